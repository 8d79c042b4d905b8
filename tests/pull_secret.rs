//! pull-secret against the Kubernetes API STAND-IN (tests/peers/kube_standin.py; no real API
//! server can run here) and a real registry (CNCF distribution with htpasswd) for the login check.

mod interrupt;

use base64::Engine;
use deckhand_tests::*;
use serde_json::{json, Value};

const REG_USER: &str = "robot";
const REG_PASS: &str = "Regi5try-Canary-pw";

fn namespaces(names: &[&str]) -> Value {
    Value::Array(names.iter().map(|n| json!({"kind": "Namespace", "metadata": {"name": n}})).collect())
}

fn with(mut base: Value, extra: Value) -> Value {
    base.as_array_mut().unwrap().push(extra);
    base
}

fn pull_secret(kube: &KubeStandin, args: &[&str]) -> Run {
    run(step("pull-secret").args(args).arg("--kubeconfig").arg(kube.kubeconfig_file()))
}

/// The auths of the stored secret, decoded.
fn auths(kube: &KubeStandin, ns: &str, name: &str) -> Value {
    let secret = kube.find("Secret", ns, name).expect("the secret exists");
    assert_eq!(secret["type"], "kubernetes.io/dockerconfigjson");
    assert_eq!(secret["metadata"]["labels"]["app.kubernetes.io/managed-by"], "deckhand");
    let encoded = secret["data"][".dockerconfigjson"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    serde_json::from_slice::<Value>(&bytes).unwrap()["auths"].clone()
}

#[test]
fn create_then_unchanged_then_updated_in_place() {
    let registry = Registry::start(RegistryAuth::Htpasswd(REG_USER, REG_PASS));
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let host = registry.host();
    let args = [
        "harbor-pull",
        "-n",
        "web",
        "--registry",
        &host,
        "--username",
        REG_USER,
        "--password",
        REG_PASS,
        "--plain-http",
    ];
    let out = pull_secret(&kube, &args);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("secret harbor-pull in namespace web: created"), "{out:?}");
    assert!(out.stdout.contains(&format!("login checked with: {host}")), "{out:?}");
    assert_eq!(auths(&kube, "web", "harbor-pull")[&host]["username"], REG_USER);

    // The same password from DECKHAND_REGISTRY_PASSWORD instead of the flag: nothing to change.
    let without_flag: Vec<&str> = args.iter().copied().filter(|a| *a != "--password" && *a != REG_PASS).collect();
    let again = run(step("pull-secret")
        .args(&without_flag)
        .arg("--kubeconfig")
        .arg(kube.kubeconfig_file())
        .env("DECKHAND_REGISTRY_PASSWORD", REG_PASS));
    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stdout.contains(": unchanged"), "{again:?}");
    assert!(!again.all().contains(REG_PASS), "{again:?}");

    let out = run(step("pull-secret")
        .args([
            "harbor-pull",
            "-n",
            "web",
            "--registry",
            "other.example",
            "--username",
            "ci",
            "--password",
            "pw-2",
            "--verify",
            "never",
            "--output",
            "json",
        ])
        .env("KUBECONFIG_CONTENT", kube.kubeconfig(&kube.token)));
    assert_eq!(out.code, 0, "{out:?}");
    let result: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(result["result"], "updated");
    assert_eq!(auths(&kube, "web", "harbor-pull")["other.example"]["username"], "ci");
    assert!(kube.requests().iter().all(|r| !r.starts_with("DELETE")), "never deleted: {:?}", kube.requests());
    assert_eq!(kube.requests().iter().filter(|r| r.starts_with("PUT")).count(), 1, "{:?}", kube.requests());
}

#[test]
fn a_wrong_registry_password_fails_before_anything_is_written() {
    let registry = Registry::start(RegistryAuth::Htpasswd(REG_USER, REG_PASS));
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let host = registry.host();
    let out = pull_secret(
        &kube,
        &[
            "regcred",
            "-n",
            "web",
            "--registry",
            &host,
            "--username",
            REG_USER,
            "--password",
            "Wr0ng-Canary",
            "--plain-http",
        ],
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("did not accept the credentials") && out.stderr.contains("not written"), "{out:?}");
    assert!(!out.all().contains("Wr0ng-Canary"));
    assert!(kube.find("Secret", "web", "regcred").is_none());
    assert!(kube.requests().is_empty(), "the cluster was not even asked: {:?}", kube.requests());

    // An unreachable registry only warns with --verify auto, and fails with --verify always.
    let dead = format!("127.0.0.1:{}", free_port());
    let base = [
        "regcred",
        "-n",
        "web",
        "--registry",
        dead.as_str(),
        "--username",
        "u",
        "--password",
        "p-123",
        "--plain-http",
        "--retries",
        "0",
    ];
    let out = pull_secret(&kube, &base);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("could not check the credentials"), "{out:?}");
    let mut always = base.to_vec();
    always.extend(["--verify", "always"]);
    assert_eq!(pull_secret(&kube, &always).code, 5);
}

#[test]
fn token_flow_registries_are_checked_too() {
    let registry = Registry::start(RegistryAuth::Token(REG_USER, REG_PASS));
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let host = registry.host();
    let ok = pull_secret(
        &kube,
        &["regcred", "-n", "web", "--registry", &host, "--username", REG_USER, "--password", REG_PASS, "--plain-http"],
    );
    assert_eq!(ok.code, 0, "{ok:?}");
    let bad = pull_secret(
        &kube,
        &[
            "regcred2",
            "-n",
            "web",
            "--registry",
            &host,
            "--username",
            REG_USER,
            "--password",
            "nope-nope",
            "--plain-http",
        ],
    );
    assert_eq!(bad.code, 4, "{bad:?}");
}

#[test]
fn namespaces_service_accounts_and_other_types() {
    let objects = with(
        with(
            namespaces(&["web"]),
            json!({"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "web"}, "imagePullSecrets": [{"name": "old"}]}),
        ),
        json!({"kind": "Secret", "type": "Opaque", "metadata": {"name": "taken", "namespace": "web"}, "data": {"k": "dg=="}}),
    );
    let kube = KubeStandin::start(&objects);
    let creds = ["--registry", "r.example", "--username", "u", "--password", "p-123", "--verify", "never"];
    let run_with = |extra: &[&str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(creds);
        pull_secret(&kube, &args)
    };

    let out = run_with(&["regcred", "-n", "new-team"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("namespace new-team does not exist") && out.stderr.contains("--create-namespace"),
        "{out:?}"
    );
    let out = run_with(&["regcred", "-n", "new-team", "--create-namespace", "--service-account", "default"]);
    assert_eq!(out.code, 0, "waits for the new namespace's default service account: {out:?}");
    assert!(kube.find("Namespace", "", "new-team").is_some());
    assert!(
        out.stdout.contains("namespace new-team created")
            && out.stdout.contains("default: imagePullSecrets now lists it")
    );

    let out = run_with(&["taken", "-n", "web"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("already exists with type Opaque"), "{out:?}");
    assert_eq!(kube.find("Secret", "web", "taken").unwrap()["type"], "Opaque", "untouched");

    for round in 0..2 {
        let out = run_with(&["regcred", "-n", "web", "--service-account", "default"]);
        assert_eq!(out.code, 0, "{out:?}");
        let expected = if round == 0 { "now lists it" } else { "already lists it" };
        assert!(out.stdout.contains(expected), "{out:?}");
    }
    let sa = kube.find("ServiceAccount", "web", "default").unwrap();
    assert_eq!(sa["imagePullSecrets"], json!([{"name": "old"}, {"name": "regcred"}]), "appended once");
    let out = run_with(&["regcred", "-n", "web", "--service-account", "builder"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("service account builder does not exist"), "{out:?}");
}

#[test]
fn docker_config_files_are_merged_and_filtered() {
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    // "a:pw-a" and "b:pw-b" in base64.
    std::fs::write(
        &config,
        r#"{"auths": {"a.example": {"auth": "YTpwdy1h"}, "https://b.example/v1/": {"auth": "Yjpwdy1i"}}}"#,
    )
    .unwrap();
    let path = config.to_str().unwrap();
    let out = pull_secret(&kube, &["all", "-n", "web", "--docker-config", path, "--verify", "never"]);
    assert_eq!(out.code, 0, "{out:?}");
    let all = auths(&kube, "web", "all");
    assert_eq!(
        (all["a.example"]["password"].as_str(), all["https://b.example/v1/"]["username"].as_str()),
        (Some("pw-a"), Some("b"))
    );
    let out = pull_secret(
        &kube,
        &["only-b", "-n", "web", "--docker-config", path, "--registry", "b.example", "--verify", "never"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(auths(&kube, "web", "only-b").as_object().unwrap().len(), 1);
    let out = pull_secret(&kube, &["none", "-n", "web", "--docker-config", path, "--registry", "c.example"]);
    assert_eq!(out.code, 3, "{out:?}");
}

#[test]
fn cluster_failures_are_clear_and_secrets_never_printed() {
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let canary = "Kube-T0ken-Canary";
    let creds = [
        "regcred",
        "-n",
        "web",
        "--registry",
        "r.example",
        "--username",
        "u",
        "--password",
        REG_PASS,
        "--verify",
        "never",
    ];
    let out = run(step("pull-secret").args(creds).env("KUBECONFIG_CONTENT", kube.kubeconfig(canary)));
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("refused")
            && out.stderr.contains("401")
            && out.stderr.contains(&format!("127.0.0.1:{}", kube.port)),
        "{out:?}"
    );
    assert!(!out.all().contains(canary) && !out.all().contains(REG_PASS), "{out:?}");

    let dead = KubeStandin::start(&namespaces(&[]));
    let content = dead.kubeconfig(canary).replace(&dead.port.to_string(), &free_port().to_string());
    drop(dead);
    let out = run(step("pull-secret").args(creds).args(["--kube-timeout", "3s"]).env("KUBECONFIG_CONTENT", &content));
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("cannot reach the cluster"), "{out:?}");
    assert!(!out.all().contains(canary), "{out:?}");

    let out = run(step("pull-secret").args(creds).env("KUBECONFIG_CONTENT", format!("not: [a kubeconfig {canary}")));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(!out.all().contains(canary), "{out:?}");
    let out = run(step("pull-secret").args(creds).env_remove("KUBECONFIG").env_remove("KUBECONFIG_CONTENT"));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no cluster credentials"), "{out:?}");
    let out =
        pull_secret(&kube, &["Bad_Name", "-n", "web", "--registry", "r", "--username", "u", "--password", "p-123"]);
    assert_eq!(out.code, 2, "{out:?}");
}

/// SIGTERM or SIGINT while the cluster, or the registry being checked, accepts the connection
/// and never answers: the step stops at once with 130 (not after --kube-timeout/--http-timeout).
#[test]
fn a_signal_ends_a_call_that_never_answers() {
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        for silent in ["cluster", "registry"] {
            let mut server = interrupt::SilentServer::start();
            let kube = KubeStandin::start(&namespaces(&["web"]));
            let silent_url = format!("http://127.0.0.1:{}", server.port);
            let (registry, config, verify) = match silent {
                "cluster" => ("r.example".to_string(), interrupt::kubeconfig(&silent_url), "never"),
                _ => (format!("127.0.0.1:{}", server.port), kube.kubeconfig(&kube.token), "auto"),
            };
            let config_file = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(config_file.path(), config).unwrap();
            let mut child = step("pull-secret")
                .args(["regcred", "-n", "web", "--registry", &registry, "--username", "u", "--password", "p-123"])
                .args(["--verify", verify, "--plain-http", "--kube-timeout", "10m", "--http-timeout", "10m"])
                .args(["--retries", "0", "--kubeconfig"])
                .arg(config_file.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            server.wait_for_client();
            interrupt::signal(&child, signal);
            let out = interrupt::wait_with_deadline(&mut child);
            assert_eq!(out.code, 130, "{name} with a silent {silent}: {out:?}");
            assert!(out.stderr.contains(&format!("stopped by {name}")), "{name} with a silent {silent}: {out:?}");
            assert!(kube.find("Secret", "web", "regcred").is_none(), "nothing written");
        }
    }
}

/// A kubeconfig whose user is an exec credential plugin (users[].user.exec).
fn exec_kubeconfig(kube: &KubeStandin, plugin: &std::path::Path, arg: &str, env: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {{server: 'http://127.0.0.1:{}'}}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      args: ['{arg}']\n      env: [{{name: PLUGIN_SECRET, value: '{env}'}}]\n      interactiveMode: Never\n",
        kube.port,
        plugin.display()
    )
}

/// A failing exec credential plugin is named, but its arguments, environment and output never
/// show: it fails (exit 1) printing them, or prints something that is not an ExecCredential.
#[test]
fn a_failing_exec_plugin_never_shows_its_args_env_or_output() {
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let dir = tempfile::tempdir().unwrap();
    let (arg, env, printed) = ("Exec-Arg-Canary-41c", "Exec-Env-Canary-93d", "Exec-Out-Canary-27e");
    let scripts = [
        ("fails", format!("echo \"$PLUGIN_SECRET $1 {printed}\"; echo \"{printed} $PLUGIN_SECRET\" >&2; exit 1")),
        ("not-json", format!("echo '{{\"status\": {{\"token\": \"{printed}\" $PLUGIN_SECRET $1'")),
    ];
    for (label, body) in scripts {
        let plugin = dir.path().join(label);
        std::fs::write(&plugin, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&plugin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let config = dir.path().join(format!("{label}.kubeconfig"));
        std::fs::write(&config, exec_kubeconfig(&kube, &plugin, arg, env)).unwrap();
        for output in ["text", "json"] {
            let out = run(step("pull-secret")
                .args(["regcred", "-n", "web", "--registry", "r.example", "--username", "u", "--password", "p-123"])
                .args(["--verify", "never", "--output", output, "-v", "--kubeconfig"])
                .arg(&config));
            assert_eq!(out.code, 4, "{label}: {out:?}");
            assert!(out.stderr.contains("exec credential plugin"), "{label}: {out:?}");
            for canary in [arg, env, printed] {
                assert!(!out.all().contains(canary), "{label}: {canary} leaked: {out:?}");
            }
        }
    }
    assert!(kube.find("Secret", "web", "regcred").is_none());
}

/// With --verify auto, a registry whose certificate is not trusted is a failure with the
/// --ca-file hint, not a skipped check; --verify never still writes the secret.
#[test]
fn an_untrusted_registry_certificate_fails_unless_told_never() {
    let ca = shared_ca();
    let served = tempfile::tempdir().unwrap();
    let registry = StaticServer::start(
        served.path(),
        &ServeOptions { tls: Some((ca.server_cert.clone(), ca.server_key.clone())), ..Default::default() },
    );
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let host = format!("localhost:{}", registry.port);
    let base = ["regcred", "-n", "web", "--registry", host.as_str(), "--username", "u", "--password", "Tls-Canary-pw"];
    for verify in [&[][..], &["--verify", "auto"][..]] {
        let out = pull_secret(&kube, &[&base[..], verify].concat());
        assert_eq!(out.code, 5, "{verify:?}: {out:?}");
        assert!(out.stderr.contains("--ca-file") && out.stderr.contains("not written"), "{verify:?}: {out:?}");
        assert!(!out.all().contains("Tls-Canary-pw"), "{out:?}");
        assert!(kube.find("Secret", "web", "regcred").is_none(), "{verify:?}: nothing written");
    }
    // Recognised as a certificate failure in Chinese too (not taken for an unreachable registry).
    let out = pull_secret_in(&kube, &base, &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr.contains(&format!("无法在 {host} 上校验凭证")) && out.stderr.contains("Secret 未写入"),
        "{out:?}"
    );
    assert!(kube.find("Secret", "web", "regcred").is_none(), "nothing written");
    let out = pull_secret(&kube, &[&base[..], &["--verify", "never"]].concat());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(kube.find("Secret", "web", "regcred").is_some());
}

/// The same work on every emulated Kubernetes version (1.14's API server refuses metadata-only
/// reads and server-side apply, 1.20 reports `minor: "20+"`): create, then update in place, a new
/// namespace and its default service account.
#[test]
fn every_emulated_kubernetes_version() {
    for version in ["1.14", "1.16", "1.20", "1.33"] {
        let options = StandinOptions { emulate: Some(version), ..Default::default() };
        let kube = KubeStandin::start_with(&namespaces(&["web"]), options);
        let creds = |password: &'static str| ["--registry", "r.example", "--username", "u", "--password", password];
        let first =
            pull_secret(
                &kube,
                &[
                    &[
                        "regcred",
                        "-n",
                        "team",
                        "--create-namespace",
                        "--service-account",
                        "default",
                        "--verify",
                        "never",
                    ][..],
                    &creds("p-1"),
                ]
                .concat(),
            );
        assert_eq!(first.code, 0, "{version}: {first:?}");
        assert!(
            first.stdout.contains(": created") && first.stdout.contains("imagePullSecrets now lists it"),
            "{first:?}"
        );
        let second = pull_secret(&kube, &[&["regcred", "-n", "team", "--verify", "never"][..], &creds("p-2")].concat());
        assert_eq!(second.code, 0, "{version}: {second:?}");
        assert!(second.stdout.contains(": updated"), "{second:?}");
        assert_eq!(auths(&kube, "team", "regcred")["r.example"]["password"], "p-2", "{version}");
    }
}

/// pull-secret with none of the caller's language settings, plus `env`.
fn pull_secret_in(kube: &KubeStandin, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = step("pull-secret");
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd.args(args).arg("--kubeconfig").arg(kube.kubeconfig_file()).envs(env.iter().copied());
    run(&mut cmd)
}

const NEVER_VERIFY: [&str; 8] =
    ["--registry", "r.example", "--username", "u", "--password", "p-123", "--verify", "never"];

#[test]
fn a_missing_namespace_and_the_result_are_said_in_chinese() {
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let missing: Vec<&str> = ["regcred", "-n", "new-team"].into_iter().chain(NEVER_VERIFY).collect();
    for (how, extra, env) in [
        ("LANG", vec![], vec![("LANG", "zh_CN.UTF-8")]),
        ("--lang", vec!["--lang", "zh-CN"], vec![("LANG", "en_US.UTF-8")]),
    ] {
        let args: Vec<&str> = missing.iter().copied().chain(extra).collect();
        let out = pull_secret_in(&kube, &args, &env);
        assert_eq!(out.code, 3, "{how}: {out:?}");
        assert!(
            out.stderr.contains("new-team")
                && out.stderr.contains("不存在")
                && out.stderr.contains("--create-namespace"),
            "{how}: {out:?}"
        );
        assert!(!out.stderr.contains("does not exist"), "{how}: {out:?}");
    }
    assert!(kube.find("Namespace", "", "new-team").is_none(), "nothing created");

    let ok: Vec<&str> = ["regcred", "-n", "web"].into_iter().chain(NEVER_VERIFY).collect();
    let out = pull_secret_in(&kube, &ok, &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("命名空间 web 中的 Secret regcred：已创建\n  镜像仓库：r.example\n"), "{out:?}");
    let json: Vec<&str> = ok.iter().copied().chain(["--output", "json"]).collect();
    let again = pull_secret_in(&kube, &json, &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(again.code, 0, "{again:?}");
    let result: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(result["result"], "unchanged", "machine output stays language-neutral: {again:?}");
}

#[test]
fn english_is_the_default_language() {
    let kube = KubeStandin::start(&namespaces(&["web"]));
    let missing: Vec<&str> = ["regcred", "-n", "new-team"].into_iter().chain(NEVER_VERIFY).collect();
    let out = pull_secret_in(&kube, &missing, &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("namespace new-team does not exist"), "{out:?}");
    assert!(out.stderr.contains("pass --create-namespace, or check the namespace name"), "{out:?}");
    let ok: Vec<&str> = ["regcred", "-n", "web"].into_iter().chain(NEVER_VERIFY).collect();
    let out = pull_secret_in(&kube, &ok, &[("LANG", "C")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("secret regcred in namespace web: created\n  registries: r.example\n"), "{out:?}");
}
