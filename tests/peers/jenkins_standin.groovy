// A STAND-IN for Jenkins running a shared library's global variables (tests/jenkins_lint.rs).
// No Jenkins controller runs here; Debian's groovy 2.4.21 (the Groovy Jenkins itself embeds)
// compiles and runs the real vars/*.groovy, and the pipeline steps they call are closures that do
// what the Jenkins docs and plugins say (../shared/reference/pipelines.md):
// - container(name) { } runs the body (kubernetes plugin: in that container of the pod);
// - withCredentials([...]) { } binds usernamePassword (usernameVariable/passwordVariable),
//   kubeconfigContent (the kubeconfig's TEXT in `variable`) and string to env for the body;
// - withKubeConfig([credentialsId:]) { } writes the kubeconfig to a temporary file and sets
//   KUBECONFIG to its path (kubernetes-cli);
// - withEnv(['K=V']) { } sets K to everything after the first '=';
// - sh(script:, returnStdout:) runs the script with /bin/sh -c in that environment, fails on a
//   non-zero exit like Jenkins ("script returned exit code N") and returns stdout;
// - error(msg) fails the call with msg (hudson.AbortException in Jenkins).
// CPS is not emulated: @NonCPS is an inert annotation here, as it is to plain Groovy.
//
// Usage: groovy jenkins_standin.groovy STUBS_DIR VARS_DIR CASES.json
// CASES.json: [{"global", "args", "credentials": {id: {username, password} | {kubeconfig}},
//               "execute": bool, "dir": path}]; prints one JSON object per case.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.customizers.ImportCustomizer

class StandinAbort extends RuntimeException {
    StandinAbort(String message) { super(message) }
}

String stubs = args[0]
File vars = new File(args[1])
List cases = new JsonSlurper().parse(new File(args[2]))

// Jenkins imports NonCPS into every pipeline script; here it is a plain annotation.
GroovyClassLoader loader = new GroovyClassLoader(this.class.classLoader)
loader.addClasspath(stubs)
CompilerConfiguration config = new CompilerConfiguration()
ImportCustomizer imports = new ImportCustomizer()
imports.addImports('com.cloudbees.groovy.cps.NonCPS')
config.addCompilationCustomizers(imports)

cases.each { Map c ->
    List events = []
    List<Map> frames = []
    Map credentials = c.credentials ?: [:]
    Map result = [global: c.global, events: events]
    Closure scoped = { Map vars2, Closure body ->
        frames << vars2
        try {
            return body()
        } finally {
            frames.remove(frames.size() - 1)
        }
    }
    Binding binding = new Binding()
    binding.setVariable('container', { String name, Closure body ->
        events << [step: 'container', name: name]
        body()
    })
    binding.setVariable('usernamePassword', { Map m -> [kind: 'usernamePassword'] + m })
    binding.setVariable('kubeconfigContent', { Map m -> [kind: 'kubeconfigContent'] + m })
    binding.setVariable('string', { Map m -> [kind: 'string'] + m })
    binding.setVariable('withCredentials', { List bindings, Closure body ->
        events << [step: 'withCredentials', bindings: bindings]
        Map bound = [:]
        bindings.each { Map b ->
            Map cred = credentials[b.credentialsId]
            if (cred == null) {
                throw new StandinAbort("Could not find credentials entry with ID '${b.credentialsId}'")
            }
            if (b.kind == 'usernamePassword') {
                bound[b.usernameVariable] = cred.username
                bound[b.passwordVariable] = cred.password
            } else if (b.kind == 'kubeconfigContent') {
                bound[b.variable] = cred.kubeconfig
            } else {
                bound[b.variable] = cred.secret
            }
        }
        scoped(bound, body)
    })
    binding.setVariable('withKubeConfig', { Map m, Closure body ->
        events << [step: 'withKubeConfig', credentialsId: m.credentialsId]
        File file = File.createTempFile('kubeconfig', '')
        file.text = credentials[m.credentialsId].kubeconfig
        try {
            scoped([KUBECONFIG: file.path], body)
        } finally {
            file.delete()
        }
    })
    binding.setVariable('withEnv', { List entries, Closure body ->
        events << [step: 'withEnv', env: entries]
        Map set = [:]
        entries.each { String e ->
            int at = e.indexOf('=')
            set[e.substring(0, at)] = e.substring(at + 1)
        }
        scoped(set, body)
    })
    binding.setVariable('sh', { Map m ->
        events << [step: 'sh', script: m.script, returnStdout: m.returnStdout]
        if (!c.execute) {
            return '{}'
        }
        ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-c', m.script)
        pb.directory(new File(c.dir))
        frames.each { Map f -> f.each { k, v -> pb.environment().put(k.toString(), v.toString()) } }
        File err = File.createTempFile('stderr', '')
        pb.redirectError(err)
        Process p = pb.start()
        p.outputStream.close()
        String out = p.inputStream.text
        int code = p.waitFor()
        result.stdout = out
        result.stderr = err.text
        err.delete()
        if (code != 0) {
            throw new StandinAbort("script returned exit code ${code}")
        }
        return m.returnStdout ? out : null
    })
    binding.setVariable('error', { String message -> throw new StandinAbort(message) })

    GroovyShell shell = new GroovyShell(loader, binding, config)
    Script script = shell.parse(new File(vars, c.global + '.groovy'))
    try {
        result.returned = script.invokeMethod('call', [c.args] as Object[])
    } catch (StandinAbort e) {
        result.error = e.message
    }
    println JsonOutput.toJson(result)
}
