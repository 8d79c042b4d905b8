//! KubeSphere step templates (examples/kubesphere/) rendered as ks-devops renders them, with
//! Go's real `text/template` (tests/peers/ks_render, built with Debian's Go; the renderer around it
//! is a stand-in for ks-devops' StepTemplateSpec.Render), then run as the agent container runs the
//! `sh` step: inside `withCredentials(usernamePassword(..., usernameVariable: 'USERNAMEVARIABLE',
//! passwordVariable: 'PASSWORDVARIABLE'))`, the only wrapping KubeSphere does, against a real
//! chart repository with basic auth.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};
use support::*;

/// The renderer, built once.
fn renderer() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let bin = dir.join("ks_render");
        let out = run(Command::new("go")
            .args(["build", "-o"])
            .arg(&bin)
            .arg(root().join("tests/peers/ks_render/main.go"))
            .env("GOCACHE", dir.join("cache"))
            .env("GOPATH", dir.join("gopath"))
            .env("GO111MODULE", "off"));
        assert_eq!(out.code, 0, "go build: {out:?}");
        bin
    })
}

fn template(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("examples/kubesphere").join(name)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The shell line KubeSphere would run for `params`.
fn render(step: &Value, params: Value) -> String {
    let defaults: serde_json::Map<String, Value> = step["spec"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?.to_string(), p.get("defaultValue")?.clone())))
        .map(|(k, v)| (k, Value::String(v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))))
        .collect();
    let request = json!({"template": step["spec"]["template"], "defaults": defaults, "param": params,
                         "secret": {"name": "helm-repo", "type": step["spec"]["secret"]["type"]}});
    let mut child = Command::new(renderer()).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), request.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "render failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_chart_fetch_template_renders_and_runs_as_kubesphere_runs_it() {
    let step = template("chart-fetch-step.yaml");
    let spec = &step["spec"];
    let wrapped = ["credential.devops.kubesphere.io/basic-auth", "kubernetes.io/basic-auth"];
    assert!(wrapped.contains(&spec["secret"]["type"].as_str().unwrap()), "KubeSphere wraps only these types");
    assert!(spec["secret"].get("mapping").is_none(), "mapping is ignored by KubeSphere: do not rely on it");
    let line = spec["template"].as_str().unwrap();
    assert!(!line.contains('"') && !line.contains('\\') && !line.contains('\n'), "one JSON-safe line");

    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let helm = Helm::new(HELM3);
    for version in ["1.2.3", "1.3.0"] {
        helm.package(work.path(), "demo", version, &repo);
    }
    helm.ok(&["repo", "index", repo.to_str().unwrap()]);
    let server =
        StaticServer::start(&repo, ServeOptions { auth: Some("robot:Ks-Canary-pw".into()), ..Default::default() });
    let bin = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(step_dir()).chain(std::env::split_paths(&bin))).unwrap();
    for (params, expected) in [
        (json!({"repo": server.url(), "chart": "demo", "version": "~1.2"}), "demo-1.2.3.tgz"),
        // Only what is required, the rest left empty: nothing renders as "<no value>".
        (json!({"repo": server.url(), "chart": "demo"}), "demo-1.3.0.tgz"),
    ] {
        let shell = render(&step, params.clone());
        assert!(!shell.contains("<no value>"), "{shell}");
        let cwd = tempfile::tempdir().unwrap();
        let out = run(Command::new("sh")
            .args(["-c", &shell])
            .current_dir(cwd.path())
            .env("PATH", &path)
            .env("USERNAMEVARIABLE", "robot")
            .env("PASSWORDVARIABLE", "Ks-Canary-pw"));
        assert_eq!(out.code, 0, "{params}: {shell}: {out:?}");
        assert!(cwd.path().join("charts").join(expected).is_file(), "{shell}: {out:?}");
        assert!(!out.all().contains("Ks-Canary-pw"), "{out:?}");
    }
}
