// Renders a KubeSphere step template as ks-devops does: a copy of StepTemplateSpec.Render
// (kubesphere/ks-devops pkg/api/devops/v1alpha3/steptemplate_render.go) around Go's real
// text/template. A parameter missing from the request gets its defaultValue only when that is
// non-empty (one with neither is a missing map key, rendered "<no value>"); the "dsl" runtime
// renders the template as it is (pipeline JSON), the "shell" runtime puts the rendered text
// unescaped in the "script" of an `sh` step (line breaks become \n); `secret.wrap` wraps the step in
// `withCredentials` for the secret chosen (basic-auth types: usernamePassword with the fixed
// variables USERNAMEVARIABLE/PASSWORDVARIABLE; newer ks-devops also wraps secret-text and kubeconfig
// with VARIABLE); `container` wraps it in `container(...)`; the result is indented JSON when it
// parses, else returned as it is.
//
// Reads one JSON object on stdin: {"spec": <the ClusterStepTemplate's spec>, "param": {...},
// "secret": {"name": "...", "type": "..."} or absent (no credential chosen)}. In ks-devops the
// secret is the Kubernetes Secret object; our templates never read `.secret`, so a map stands in.
// A test-only copy of the renderer, using the real text/template.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type parameter struct {
	Name         string `json:"name"`
	DefaultValue string `json:"defaultValue"`
}

type spec struct {
	Secret struct {
		Type string `json:"type"`
		Wrap bool   `json:"wrap"`
	} `json:"secret"`
	Container  string      `json:"container"`
	Runtime    string      `json:"runtime"`
	Template   string      `json:"template"`
	Parameters []parameter `json:"parameters"`
}

type secret struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type request struct {
	Spec   spec                   `json:"spec"`
	Param  map[string]interface{} `json:"param"`
	Secret *secret                `json:"secret"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if req.Param == nil {
		req.Param = map[string]interface{}{}
	}
	out, err := render(&req.Spec, req.Param, req.Secret)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Print(out)
}

func render(t *spec, param map[string]interface{}, secret *secret) (output string, err error) {
	for _, item := range t.Parameters {
		if _, ok := param[item.Name]; !ok && item.DefaultValue != "" {
			param[item.Name] = item.DefaultValue
		}
	}
	var data interface{}
	if secret != nil {
		data = map[string]string{"name": secret.Name, "type": secret.Type}
	}
	switch t.Runtime {
	case "dsl":
		output, err = dslRender(t.Template, param, data)
	default:
		output, err = shellRender(t.Template, param, data)
	}
	if t.Secret.Wrap && secret != nil {
		output = wrapWithCredential(t.Secret.Type, secret.Name, output)
	}
	if err == nil && t.Container != "" {
		output = fmt.Sprintf(`
{
  "arguments": {
	"isLiteral": true,
	"value": "%s"
  },
  "children": [%s],
  "name": "container"
}`, t.Container, output)
	}
	return jsonFormat(output), err
}

func jsonFormat(content string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(content), "", "  "); err == nil {
		return strings.TrimSpace(buf.String())
	}
	return strings.TrimSpace(content)
}

func wrapWithCredential(secretType, secretName, target string) string {
	binding := ""
	switch secretType {
	case "kubernetes.io/basic-auth", "credential.devops.kubesphere.io/basic-auth":
		binding = fmt.Sprintf("usernamePassword(credentialsId: '%s', passwordVariable: 'PASSWORDVARIABLE' ,usernameVariable : 'USERNAMEVARIABLE')", secretName)
	case "bootstrap.kubernetes.io/token", "credential.devops.kubesphere.io/secret-text":
		binding = fmt.Sprintf("string(credentialsId: '%s', variable: 'VARIABLE')", secretName)
	case "credential.devops.kubesphere.io/kubeconfig":
		binding = fmt.Sprintf("kubeconfigContent(credentialsId: '%s', variable: 'VARIABLE')", secretName)
	default:
		return jsonFormat(target)
	}
	return jsonFormat(fmt.Sprintf(`{
  "arguments": {
    "isLiteral": false,
    "value": "${[%s]}"
  },
  "children": [%s],
  "name": "withCredentials"
}`, binding, target))
}

func dslRender(tpl string, param map[string]interface{}, secret interface{}) (string, error) {
	parsed, err := template.New("shell").Parse(tpl)
	if err != nil {
		return tpl, err
	}
	buf := bytes.NewBuffer(nil)
	if err := parsed.Execute(buf, map[string]interface{}{"param": param, "secret": secret}); err != nil {
		return tpl, err
	}
	return strings.TrimSpace(buf.String()), nil
}

func shellRender(tpl string, param map[string]interface{}, secret interface{}) (string, error) {
	output, err := dslRender(tpl, param, secret)
	if err != nil {
		return output, err
	}
	return fmt.Sprintf(`{
"arguments": [
  {
	"key": "script",
	"value": {
	  "isLiteral": true,
	  "value": "%s"
	}
  }
],
"name": "sh"
}`, strings.ReplaceAll(output, "\n", "\\n")), nil
}
