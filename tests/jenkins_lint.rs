//! `Jenkinsfile.sample` and the generated shared library (hosts/jenkins: every vars/*.groovy and
//! Jenkinsfile.example) judged by the real linter Jenkins users run, npm-groovy-lint (CodeNarc):
//! no error and no warning. The sample binds each credential one way only, runs git only in a
//! container that has it, and shows both `withKubeConfig` (plain Jenkins) and `kubeconfigContent`
//! (KubeSphere). The library's entries run in a Jenkins STAND-IN (tests/peers/jenkins_standin.groovy:
//! the real Groovy 2.4 that Jenkins embeds, with the pipeline steps as closures doing what their
//! plugins document) against real peers: values reach the step only through the environment,
//! secrets only through credential bindings.

use std::path::{Path, PathBuf};
use std::process::Command;

use deckhand_tests::*;
use serde_json::{json, Value};

const GLOBALS: [&str; 6] = [
    "deckhandBuildNotify",
    "deckhandChartDeploy",
    "deckhandChartFetch",
    "deckhandChartUntar",
    "deckhandCheckoutGuard",
    "deckhandPullSecret",
];

fn library() -> PathBuf {
    root().join("hosts/jenkins")
}

#[test]
fn the_jenkinsfile_sample_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let jenkinsfile = dir.path().join("Jenkinsfile");
    std::fs::copy(root().join("Jenkinsfile.sample"), &jenkinsfile).unwrap();
    let mut lint = std::process::Command::new("npm-groovy-lint");
    lint.args(["--failon", "warning", "--output", "txt", "--noserver"]).arg(&jenkinsfile).current_dir(dir.path());
    let out = run(&mut lint);
    assert_eq!(out.code, 0, "npm-groovy-lint found warnings or errors: {out:?}");
    assert!(out.stdout.contains("Jenkinsfile"), "it read the file: {out:?}");
}

#[test]
fn the_jenkinsfile_sample_binds_each_credential_once_and_runs_git_where_git_is() {
    let text = std::fs::read_to_string(root().join("Jenkinsfile.sample")).unwrap();
    assert!(text.contains("withKubeConfig([credentialsId:") && text.contains("kubeconfigContent(credentialsId:"));
    // `kind(credentialsId: 'id'` and `withKubeConfig([credentialsId: 'id'`; `credentials('id')`
    // takes whatever type the credential has, so it is no second way.
    let binding = regex_lite::Regex::new(r"(\w+)\(\[?credentialsId: '([^']+)'").unwrap();
    let seen: Vec<(String, String)> =
        binding.captures_iter(&text).map(|c| (c[2].to_string(), c[1].to_string())).collect();
    assert!(seen.len() >= 5, "{seen:?}");
    for (id, kind) in &seen {
        let kinds: Vec<&String> = seen.iter().filter(|(other, _)| other == id).map(|(_, k)| k).collect();
        assert!(kinds.iter().all(|k| *k == kind), "credential {id} is bound in two ways: {kinds:?}");
    }
    for line in text.lines().filter(|l| l.contains("-- git ")) {
        assert!(line.contains("/tools/checkout-guard"), "git runs in the git container: {line}");
    }
}

#[test]
fn the_shared_library_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    for global in GLOBALS {
        let name = format!("{global}.groovy");
        std::fs::copy(library().join("vars").join(&name), dir.path().join(&name)).unwrap();
        let help = std::fs::read_to_string(library().join(format!("vars/{global}.txt"))).unwrap();
        assert!(help.starts_with(&format!("{global}: ")), "{global}.txt is its help: {help}");
    }
    // npm-groovy-lint finds Jenkinsfiles by name.
    std::fs::copy(library().join("Jenkinsfile.example"), dir.path().join("Jenkinsfile")).unwrap();
    let mut lint = Command::new("npm-groovy-lint");
    lint.args(["--failon", "warning", "--output", "txt", "--noserver", "."]).current_dir(dir.path());
    let out = run(&mut lint);
    assert_eq!(out.code, 0, "npm-groovy-lint found warnings or errors: {out:?}");
    assert!(out.stdout.contains("7 linted files") || out.stdout.contains("7\u{1b}[22m linted files"), "{out:?}");
}

/// One call of a global variable in the stand-in: what it did (container, bindings, env, sh
/// script), what it returned or the error it failed with.
fn standin(cases: &[Value]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.json");
    std::fs::write(&file, serde_json::to_string(cases).unwrap()).unwrap();
    let mut groovy = Command::new("groovy");
    groovy
        .arg(root().join("tests/peers/jenkins_standin.groovy"))
        .arg(root().join("tests/peers/jenkins_stubs"))
        .arg(library().join("vars"))
        .arg(&file)
        .env("JAVA_HOME", java_home())
        // The agent: the steps on PATH, nothing of the test's own environment.
        .env_clear()
        .env("JAVA_HOME", java_home())
        .env("PATH", format!("{}:/usr/bin:/bin", step_dir().display()))
        .env("HOME", dir.path())
        .env("NO_COLOR", "1");
    let out = run(&mut groovy);
    assert_eq!(out.code, 0, "groovy (apt-get install groovy) failed: {out:?}");
    let results: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), cases.len(), "{out:?}");
    results
}

fn java_home() -> PathBuf {
    let java = std::fs::canonicalize("/usr/bin/java").expect("java is installed");
    java.parent().and_then(Path::parent).unwrap().to_path_buf()
}

fn events<'a>(result: &'a Value, step: &str) -> Vec<&'a Value> {
    result["events"].as_array().unwrap().iter().filter(|e| e["step"] == step).collect()
}

fn script(result: &Value) -> String {
    let sh = events(result, "sh");
    assert_eq!(sh.len(), 1, "{result}");
    sh[0]["script"].as_str().unwrap().to_string()
}

fn env_of(result: &Value) -> Vec<String> {
    events(result, "withEnv")
        .iter()
        .flat_map(|e| e["env"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_library_runs_the_steps_with_values_only_in_the_environment() {
    const CANARY: &str = "canary-'pw\"$(touch PWNED)";
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    Helm::new(HELM3).package(work.path(), "demo", "1.2.3", &repo);
    Helm::new(HELM3).ok(&["repo", "index", repo.to_str().unwrap()]);
    let server =
        StaticServer::start(&repo, &ServeOptions { auth: Some(format!("alice:{CANARY}")), ..Default::default() });
    let ws = work.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let hostile = "it's \"$(touch PWNED)\" `touch PWNED` $HOME";
    let ws_text = ws.to_str().unwrap();
    let cases = [
        json!({"global": "deckhandChartFetch", "execute": true, "dir": ws_text,
               "args": {"repo": server.url(), "chart": "demo", "version": "1.2.3", "untar": true,
                        "destination": hostile, "credentialsId": "repo"},
               "credentials": {"repo": {"username": "alice", "password": CANARY}}}),
        json!({"global": "deckhandCheckoutGuard", "execute": true, "dir": ws_text, "container": false,
               "args": {"subcommand": "exec", "dir": "mirror", "container": false,
                        "command": ["sh", "-c", "printf %s \"$0\" > out.txt", "a,b it's \"q\" $(touch PWNED)"]}}),
        json!({"global": "deckhandChartFetch", "execute": false, "dir": ws_text,
               "args": {"chart": "demo", "destinaton": "x", "untar": "yes"}}),
        json!({"global": "deckhandChartFetch", "execute": false, "dir": ws_text,
               "args": {"repo": ["a", "b"], "untar": "yes"}}),
        json!({"global": "deckhandCheckoutGuard", "execute": false, "dir": ws_text,
               "args": {"subcommand": "clean", "dir": "mirror"}}),
        json!({"global": "deckhandCheckoutGuard", "execute": false, "dir": ws_text, "args": {"roots": ["/ws"]}}),
        json!({"global": "deckhandPullSecret", "execute": false, "dir": ws_text,
               "args": {"name": "pull", "namespace": "shop", "registries": ["harbor.example"],
                        "registryCredentialsId": "robot", "kubeconfigCredentialsId": "kube", "container": "tools"},
               "credentials": {"robot": {"username": "robot", "password": CANARY}, "kube": {"kubeconfig": "apiVersion: v1"}}}),
        json!({"global": "deckhandPullSecret", "execute": false, "dir": ws_text,
               "args": {"name": "pull", "namespace": "shop", "kubeconfigCredentialsId": "kube", "withKubeConfig": true},
               "credentials": {"kube": {"kubeconfig": "apiVersion: v1"}}}),
        json!({"global": "deckhandChartDeploy", "execute": false, "dir": ws_text,
               "args": {"chart": "build/app", "release": "app", "namespace": "shop", "atomic": false,
                        "set": ["a={x,y}", "b=it's"], "values": ["v.yaml"]}}),
        json!({"global": "deckhandBuildNotify", "execute": false, "dir": ws_text,
               "args": {"smtpHost": "smtp.example", "to": ["\"Zhang, San\" <z@corp.cn>"], "template": "sucess"}}),
    ];
    let results = standin(&cases);
    assert!(!ws.join("PWNED").exists() && !work.path().join("PWNED").exists(), "no value ran as shell code");

    // chart-fetch: the credential bound to the step's own variables, the hostile folder name used as is.
    let fetched = &results[0];
    assert!(fetched["error"].is_null(), "{fetched}");
    assert_eq!(events(fetched, "container")[0]["name"], "deckhand");
    let bindings = &events(fetched, "withCredentials")[0]["bindings"];
    assert_eq!(
        bindings,
        &json!([{"kind": "usernamePassword", "credentialsId": "repo", "usernameVariable": "HELM_REPO_USERNAME",
                 "passwordVariable": "HELM_REPO_PASSWORD"}])
    );
    let text = script(fetched);
    assert_eq!(
        text,
        "chart-fetch --output=json --repo=\"$DECKHAND_ARG_REPO\" --version=\"$DECKHAND_ARG_VERSION\" \
         --destination=\"$DECKHAND_ARG_DESTINATION\" --untar -- \"$DECKHAND_ARG_CHART\""
    );
    assert!(env_of(fetched).contains(&format!("DECKHAND_ARG_DESTINATION={hostile}")), "{fetched}");
    assert!(ws.join(hostile).join("demo/Chart.yaml").is_file(), "unpacked into the folder named as given: {fetched}");
    let returned: Value = serde_json::from_str(fetched["returned"].as_str().unwrap()).unwrap();
    assert_eq!(returned["version"], "1.2.3", "the call returns the step's JSON result: {returned}");
    assert!(server.requests().iter().all(|r| r.2), "the repository got the credential");
    // Script, environment, output, errors, result: the password is in none of them.
    assert!(!fetched.to_string().contains("canary"), "the password is only in the binding: {fetched}");

    // checkout-guard exec: each list item is one argument, commas and quotes included; no container.
    let guarded = &results[1];
    assert!(guarded["error"].is_null(), "{guarded}");
    assert!(events(guarded, "container").is_empty(), "container: false runs where the pipeline is");
    assert_eq!(std::fs::read_to_string(ws.join("out.txt")).unwrap(), "a,b it's \"q\" $(touch PWNED)");
    assert!(script(guarded).starts_with("checkout-guard exec --output=json --dir=\"$DECKHAND_ARG_DIR\""), "{guarded}");

    // Wrong arguments fail before anything runs, naming the known ones.
    let wrong = results[2]["error"].as_str().unwrap();
    assert!(wrong.starts_with("deckhandChartFetch: unknown argument destinaton (known: repo, chart,"), "{wrong}");
    assert!(wrong.contains("credentialsId, container)") && wrong.contains("untar is true or false"), "{wrong}");
    assert!(results[2]["events"].as_array().unwrap().is_empty());
    let wrong = results[3]["error"].as_str().unwrap();
    assert!(wrong.contains("repo takes one value, not a list") && wrong.contains("chart is required"), "{wrong}");
    assert_eq!(results[4]["error"], "deckhandCheckoutGuard: dir is for subcommand exec; roots is required");
    assert!(results[5]["error"].as_str().unwrap().contains("subcommand must be one of lint, exec, clean"));
    assert!(results[9]["error"].as_str().unwrap().contains("template is one of success, failure, unstable, aborted"));

    // pull-secret: a kubeconfig bound as content (KubeSphere) or with withKubeConfig, one way each.
    let content = &results[6];
    assert_eq!(events(content, "container")[0]["name"], "tools");
    assert_eq!(
        events(content, "withCredentials")[0]["bindings"],
        json!([{"kind": "usernamePassword", "credentialsId": "robot",
                "usernameVariable": "DECKHAND_REGISTRY_USERNAME", "passwordVariable": "DECKHAND_REGISTRY_PASSWORD"},
               {"kind": "kubeconfigContent", "credentialsId": "kube", "variable": "KUBECONFIG_CONTENT"}])
    );
    assert!(events(content, "withKubeConfig").is_empty());
    assert!(!script(content).contains("canary") && !env_of(content).iter().any(|e| e.contains("canary")));
    let file = &results[7];
    assert_eq!(events(file, "withKubeConfig")[0]["credentialsId"], "kube");
    assert!(events(file, "withCredentials").is_empty(), "{file}");

    // chart-deploy: one --set per item (helm's own commas and braces stay inside it); false adds no flag.
    let deploy = &results[8];
    assert_eq!(
        script(deploy),
        "chart-deploy --output=json --release=\"$DECKHAND_ARG_RELEASE\" --namespace=\"$DECKHAND_ARG_NAMESPACE\" \
         --values=\"$DECKHAND_ARG_VALUES_0\" --set=\"$DECKHAND_ARG_SET_0\" --set=\"$DECKHAND_ARG_SET_1\" -- \
         \"$DECKHAND_ARG_CHART\""
    );
    assert!(env_of(deploy).contains(&"DECKHAND_ARG_SET_0=a={x,y}".to_string()), "{deploy}");
}

/// The arguments a generated global variable knows, read from its file.
fn known_arguments(global: &str) -> Vec<String> {
    let text = std::fs::read_to_string(library().join(format!("vars/{global}.groovy"))).unwrap();
    let input = regex_lite::Regex::new(r"(?m)^    (\w+): \[option:").unwrap();
    let mut known: Vec<String> = input.captures_iter(&text).map(|c| c[1].to_string()).collect();
    let listed =
        regex_lite::Regex::new(r"(?m)^@Field static final List<String> (?:CREDENTIALS|OWN) = \[(.*)\]$").unwrap();
    for list in listed.captures_iter(&text) {
        known.extend(list[1].split(", ").filter(|s| !s.is_empty()).map(|s| s.trim_matches('\'').to_string()));
    }
    if text.contains("SUBCOMMANDS = ['") {
        known.push("subcommand".into());
    }
    known
}

#[test]
fn the_example_jenkinsfile_calls_only_real_arguments() {
    let text = std::fs::read_to_string(library().join("Jenkinsfile.example")).unwrap();
    let call = regex_lite::Regex::new(r"(deckhand[A-Z]\w*)\(").unwrap();
    let key = regex_lite::Regex::new(r"(?:^|[(,\s])([a-zA-Z]+): ").unwrap();
    let mut seen = Vec::new();
    for found in call.captures_iter(&text) {
        let global = found[1].to_string();
        assert!(GLOBALS.contains(&global.as_str()), "{global} is a global of the library");
        let start = found.get(0).unwrap().end();
        let mut depth = 1;
        let end = start
            + text[start..]
                .char_indices()
                .find(|(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .unwrap()
                .0;
        let known = known_arguments(&global);
        for argument in key.captures_iter(&text[start..end]) {
            assert!(known.contains(&argument[1].to_string()), "{global}: {} is not one of {known:?}", &argument[1]);
        }
        seen.push(global);
    }
    assert!(seen.len() >= 5, "{seen:?}");
}
