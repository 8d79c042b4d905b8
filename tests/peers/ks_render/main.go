// Renders a KubeSphere step template as ks-devops does (StepTemplateSpec.Render, shell runtime):
// Go's text/template over {"param": <parameters>, "secret": <the chosen credential>}, where a
// parameter missing from the request gets its defaultValue only when that is non-empty, and one
// with neither is a missing map key (rendered "<no value>"). Reads one JSON object on stdin:
// {"template": "...", "defaults": {...}, "param": {...}, "secret": {"name": "...", "type": "..."}}.
// A test-only stand-in for the renderer, using the real text/template.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/template"
)

type request struct {
	Template string            `json:"template"`
	Defaults map[string]string `json:"defaults"`
	Param    map[string]string `json:"param"`
	Secret   map[string]string `json:"secret"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	param := map[string]interface{}{}
	for k, v := range req.Defaults {
		if v != "" {
			param[k] = v
		}
	}
	for k, v := range req.Param {
		param[k] = v
	}
	tpl, err := template.New("step").Parse(req.Template)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err := tpl.Execute(os.Stdout, map[string]interface{}{"param": param, "secret": req.Secret}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
}
