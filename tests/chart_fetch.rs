//! chart-fetch against real peers: the helm CLI (3.17.3 and 4.1.4) builds the fixtures and pulls the
//! same charts for comparison; charts are served by a static HTTP(S) server and by the CNCF
//! distribution registry.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use deckhand_tests::*;

const VERSIONS: [&str; 6] = ["0.1.0", "0.2.0", "1.2.3", "1.3.0", "1.10.0", "2.0.0-rc.1"];

/// Chart archives built once with helm: demo in several versions and one other chart.
fn charts() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let helm = Helm::new(HELM3);
        let work = tempfile::tempdir().unwrap().keep();
        let out = work.join("charts");
        for v in VERSIONS {
            helm.package(&work, "demo", v, &out);
        }
        helm.package(&work, "other", "3.0.0", &out);
        out
    })
}

/// A repository folder with the charts and an index (absolute URLs when `base` is given).
fn repo_folder(base: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(charts()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    if base.is_none() {
        index(dir.path(), None);
    }
    dir
}

fn index(dir: &Path, base: Option<&str>) {
    let mut args = vec!["repo", "index", dir.to_str().unwrap()];
    if let Some(base) = base {
        args.extend(["--url", base]);
    }
    Helm::new(HELM3).ok(&args);
}

/// Serves a repository; absolute URLs in the index when `absolute`.
fn serve(options: &ServeOptions, absolute: bool) -> (tempfile::TempDir, StaticServer) {
    let dir = repo_folder(if absolute { Some("pending") } else { None });
    let server = StaticServer::start(dir.path(), options);
    if absolute {
        index(dir.path(), Some(&server.url()));
    }
    (dir, server)
}

#[test]
fn versions_and_constraints_match_helm_pull() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let url = server.url();
    let helm3 = Helm::new(HELM3);
    let cases: [(&[&str], &str); 9] = [
        (&[], "demo-1.10.0.tgz"),
        (&["--version", "1.2.3"], "demo-1.2.3.tgz"),
        (&["--version", "~1.2"], "demo-1.2.3.tgz"),
        (&["--version", "^1"], "demo-1.10.0.tgz"),
        (&["--version", ">=0.2, <1.3"], "demo-1.2.3.tgz"),
        (&["--version", "<0.2.0 || >=1.3.0 <1.4"], "demo-1.3.0.tgz"),
        (&["--version", "0.x"], "demo-0.2.0.tgz"),
        (&["--version", "0.1.0 - 1.2.5"], "demo-1.2.3.tgz"),
        (&["--version", "^0.1"], "demo-0.1.0.tgz"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["--repo", url.as_str(), "demo"];
        args.extend(extra);
        assert_eq!(same_as_helm(&helm3, &args), expected, "{extra:?}");
    }
    let helm4 = Helm::new(HELM4);
    assert_eq!(same_as_helm(&helm4, &["--repo", &url, "demo"]), "demo-1.10.0.tgz");
    assert_eq!(same_as_helm(&helm4, &["--repo", &url, "demo", "--version", "~0.1"]), "demo-0.1.0.tgz");
}

#[test]
fn prereleases_only_when_asked_for() {
    let (_dir, server) = serve(&ServeOptions::default(), true);
    let url = server.url();
    let helm = Helm::new(HELM3);
    assert_eq!(same_as_helm(&helm, &["--repo", &url, "demo", "--devel"]), "demo-2.0.0-rc.1.tgz");
    assert_eq!(same_as_helm(&helm, &["--repo", &url, "demo", "--version", "2.0.0-rc.1"]), "demo-2.0.0-rc.1.tgz");
    assert_eq!(same_as_helm(&helm, &["--repo", &url, "demo", "--version", ">=2.0.0-0"]), "demo-2.0.0-rc.1.tgz");
    let (ours, dest) = fetch(&["--repo", &url, "demo", "--version", "^2"]);
    assert_eq!(ours.code, 3, "{ours:?}");
    assert!(ours.stderr.contains("no version of demo matches ^2") && ours.stderr.contains("--devel"), "{ours:?}");
    assert!(listing(dest.path()).is_empty());
    let (theirs, _) = helm.pull(&["--repo", &url, "demo", "--version", "^2"]);
    assert_ne!(theirs.code, 0, "helm agrees there is no match");
}

#[test]
fn relative_and_absolute_urls() {
    for absolute in [false, true] {
        let (_dir, server) = serve(&ServeOptions::default(), absolute);
        let index = std::fs::read_to_string(_dir.path().join("index.yaml")).unwrap();
        assert_eq!(index.contains(&server.url()), absolute, "fixture index style");
        same_as_helm(&Helm::new(HELM3), &["--repo", &server.url(), "demo", "--version", "0.2.0"]);
    }
}

#[test]
fn repo_query_string_is_kept_on_the_chart_url() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let url = format!("{}/?token=abc123", server.url());
    same_as_helm(&Helm::new(HELM3), &["--repo", &url, "demo", "--version", "0.1.0"]);
    let ours: Vec<_> = server.requests().into_iter().filter(|(path, ..)| path.ends_with(".tgz")).collect();
    assert!(!ours.is_empty() && ours.iter().all(|(_, query, _)| query == "token=abc123"), "{ours:?}");
}

#[test]
fn credentials_stay_on_the_repository_origin() {
    // The index lives on an authenticated server; its absolute chart URLs point to another origin.
    let charts_dir = repo_folder(Some("pending"));
    let cdn = StaticServer::start(charts_dir.path(), &ServeOptions::default());
    index(charts_dir.path(), Some(&cdn.url()));
    let index_dir = tempfile::tempdir().unwrap();
    std::fs::copy(charts_dir.path().join("index.yaml"), index_dir.path().join("index.yaml")).unwrap();
    let repo = StaticServer::start(
        index_dir.path(),
        &ServeOptions { auth: Some("alice:s3cret-pw".into()), ..Default::default() },
    );

    let base = ["--repo", &repo.url(), "demo", "--username", "alice", "--password", "s3cret-pw"];
    let (out, dest) = fetch(&base);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(only_file(dest.path()).0, "demo-1.10.0.tgz");
    assert!(repo.requests().iter().all(|r| r.2), "the repository got the credentials");
    assert!(cdn.requests().iter().all(|r| !r.2), "the other origin must not get them: {:?}", cdn.requests());
    assert!(out.stderr.contains("not sending the repository credentials"), "{out:?}");

    let mut with_pass: Vec<&str> = base.to_vec();
    with_pass.push("--pass-credentials");
    let (out, _dest) = fetch(&with_pass);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(cdn.requests().iter().any(|r| r.2), "--pass-credentials sends them on");
}

#[test]
fn wrong_password_is_refused_clearly() {
    let (_dir, server) = serve(&ServeOptions { auth: Some("alice:right-pw".into()), ..Default::default() }, false);
    let (ok, _d) = fetch(&["--repo", &server.url(), "demo", "--username", "alice", "--password", "right-pw"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--username", "alice", "--password", "Wr0ng-Canary-pw"]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("refused access") && out.stderr.contains("401") && out.stderr.contains("hint:"),
        "{out:?}"
    );
    assert!(!out.all().contains("Wr0ng-Canary-pw"), "{out:?}");
    assert!(listing(dest.path()).is_empty());
    let (none, _d) = fetch(&["--repo", &server.url(), "demo"]);
    assert_eq!(none.code, 4, "no credentials: {none:?}");
}

#[test]
fn missing_archive_and_unknown_chart() {
    let (dir, server) = serve(&ServeOptions::default(), false);
    std::fs::remove_file(dir.path().join("demo-0.2.0.tgz")).unwrap();
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--version", "0.2.0"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("not found") && out.stderr.contains("404"), "{out:?}");
    assert!(listing(dest.path()).is_empty(), "{:?}", listing(dest.path()));
    let (out, _) = fetch(&["--repo", &server.url(), "nginx"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("chart \"nginx\" is not in the repository"), "{out:?}");
    let (out, _) = fetch(&["--repo", &format!("{}/sub", server.url()), "demo"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("repository root"), "{out:?}");
}

#[test]
fn dropped_connections_and_503s_are_retried() {
    let expected = std::fs::read(charts().join("demo-1.10.0.tgz")).unwrap();
    for options in [ServeOptions { drop: 2, ..Default::default() }, ServeOptions { fail503: 2, ..Default::default() }] {
        let (_dir, server) = serve(&options, false);
        let (out, dest) = fetch(&["--repo", &server.url(), "demo"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stderr.matches("retry").count(), 2, "two retries logged: {out:?}");
        assert!(only_file(dest.path()).1 == expected);
    }
    // More failures than retries: a clear remote error.
    let (_dir, server) = serve(&ServeOptions { fail503: 5, ..Default::default() }, false);
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--retries", "1"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("503") && out.stderr.contains("after 1 retries"), "{out:?}");
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn tampered_archive_fails_the_digest_check_and_leaves_nothing() {
    let (dir, server) = serve(&ServeOptions::default(), false);
    let target = dir.path().join("demo-1.2.3.tgz");
    let mut bytes = std::fs::read(&target).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    std::fs::write(&target, bytes).unwrap();
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--version", "1.2.3"]);
    assert_eq!(out.code, 6, "{out:?}");
    assert!(
        out.stderr.contains("does not match its published digest") && out.stderr.contains("nothing was saved"),
        "{out:?}"
    );
    assert!(listing(dest.path()).is_empty(), "{:?}", listing(dest.path()));
    // helm does not check the digest: it would have saved the tampered file.
    let (theirs, helm_dir) = Helm::new(HELM3).pull(&["--repo", &server.url(), "demo", "--version", "1.2.3"]);
    assert_eq!(theirs.code, 0);
    assert_eq!(listing(&helm_dir), ["demo-1.2.3.tgz"]);
}

#[test]
fn truncated_download_is_an_error_and_leaves_nothing() {
    let (_dir, server) = serve(&ServeOptions { truncate: true, ..Default::default() }, false);
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--retries", "1"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("cut short"), "{out:?}");
    assert!(listing(dest.path()).is_empty(), "{:?}", listing(dest.path()));
}

#[test]
fn tls_with_ca_file_wrong_ca_and_insecure() {
    let ca = TestCa::new();
    let other = TestCa::new();
    let (_dir, server) = serve(
        &ServeOptions { tls: Some((ca.server_cert.clone(), ca.server_key.clone())), ..Default::default() },
        false,
    );
    let url = server.url();
    same_as_helm(&Helm::new(HELM3), &["--repo", &url, "demo", "--ca-file", ca.ca_cert.to_str().unwrap()]);

    let (out, dest) = fetch(&["--repo", &url, "demo", "--ca-file", other.ca_cert.to_str().unwrap()]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("TLS") && out.stderr.contains("--ca-file"), "{out:?}");
    assert!(!out.stderr.contains("retry"), "a certificate problem is not retried: {out:?}");
    assert!(listing(dest.path()).is_empty());

    let (out, _) = fetch(&["--repo", &url, "demo"]);
    assert_eq!(out.code, 5, "system roots alone do not trust the test CA: {out:?}");
    let (out, _) = fetch(&["--repo", &url, "demo", "--insecure-skip-tls-verify"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn json_index_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let archive = charts().join("demo-0.2.0.tgz");
    std::fs::copy(&archive, dir.path().join("demo-0.2.0.tgz")).unwrap();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&archive).unwrap()))
    };
    let index = serde_json::json!({"apiVersion": "v1", "entries": {"demo": [
        {"apiVersion": "v2", "name": "demo", "version": "0.2.0", "digest": digest, "urls": ["demo-0.2.0.tgz"]},
        {"apiVersion": "v2", "name": "demo", "version": "not-semver", "urls": ["x.tgz"]}
    ]}});
    std::fs::write(dir.path().join("index.yaml"), index.to_string()).unwrap();
    let server = StaticServer::start(dir.path(), &ServeOptions::default());
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--output", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("skipping an invalid index entry"), "{out:?}");
    let result: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(result["version"], "0.2.0");
    assert_eq!(result["verified"], true);
    assert_eq!(result["digest"], format!("sha256:{digest}"));
    assert_eq!(only_file(dest.path()).0, "demo-0.2.0.tgz");
}

#[test]
fn untar_matches_helm_pull_untar_and_refuses_an_existing_target() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let dest = tempfile::tempdir().unwrap();
    let args = ["--repo", &server.url(), "demo", "--version", "1.3.0", "--untar"];
    let out = run(step("chart-fetch").args(args).arg("-d").arg(dest.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(dest.path()), ["demo"], "only the unpacked folder is left");
    let (theirs, helm_dir) = Helm::new(HELM3).pull(&args);
    assert_eq!(theirs.code, 0, "{theirs:?}");
    assert_eq!(tree(&dest.path().join("demo")), tree(&helm_dir.join("demo")));

    let again = run(step("chart-fetch").args(args).arg("-d").arg(dest.path()));
    assert_eq!(again.code, 3, "{again:?}");
    assert!(again.stderr.contains("already exists") && again.stderr.contains("--force"), "{again:?}");
    assert_eq!(listing(dest.path()), ["demo"]);
    let forced = run(step("chart-fetch").args(args).arg("--force").arg("-d").arg(dest.path()));
    assert_eq!(forced.code, 0, "{forced:?}");
    assert_eq!(listing(dest.path()), ["demo"]);
}

/// Runs chart-fetch as the BK-CI worker does: input.json in bk_data_dir, output.json read back.
fn run_as_bk_atom(dir: &Path, input: &serde_json::Value) -> (Run, serde_json::Value) {
    std::fs::write(dir.join("input.json"), input.to_string()).unwrap();
    let out = run(step("chart-fetch")
        .env("bk_data_dir", dir)
        .env("bk_data_input", "input.json")
        .env("bk_data_output", "output.json")
        .current_dir(dir));
    let output = serde_json::from_str(&std::fs::read_to_string(dir.join("output.json")).unwrap()).unwrap();
    (out, output)
}

#[test]
fn bk_ci_input_json_and_output_json() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let bk = tempfile::tempdir().unwrap();
    let dest = bk.path().join("charts");
    let input = serde_json::json!({"chart": "demo", "repo": server.url(), "version": "~1.2", "destination": dest, "devel": "false", "untar": "", "BK_CI_BUILD_NUM": "7"});
    let (out, output) = run_as_bk_atom(bk.path(), &input);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(output["status"], "success");
    assert_eq!(output["data"]["chart_version"]["value"], "1.2.3");
    let path = output["data"]["chart_path"]["value"].as_str().unwrap();
    assert!(Path::new(path).exists(), "{path}");

    let input = serde_json::json!({"chart": "nope", "repo": server.url()});
    let (out, output) = run_as_bk_atom(bk.path(), &input);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!((output["status"].as_str(), output["errorType"].as_u64()), (Some("failure"), Some(1)));
}

#[test]
fn drone_plugin_settings_and_precedence() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let dest = tempfile::tempdir().unwrap();
    let out = run(step("chart-fetch")
        .env("PLUGIN_CHART", "demo")
        .env("PLUGIN_REPO", server.url())
        .env("PLUGIN_VERSION", "0.1.0")
        .env("DECKHAND_CHART_VERSION", "0.2.0")
        .env("PLUGIN_DESTINATION", dest.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(dest.path()), ["demo-0.1.0.tgz"], "PLUGIN_* beats the step's own env");
    let out = run(step("chart-fetch")
        .env("PLUGIN_CHART", "demo")
        .env("PLUGIN_REPO", server.url())
        .env("PLUGIN_VERSION", "0.1.0")
        .args(["--version", "1.3.0", "-d"])
        .arg(dest.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(dest.path().join("demo-1.3.0.tgz").exists(), "a flag beats PLUGIN_*");
}

#[test]
fn bad_input_gets_usage_errors() {
    for (args, needle) in [
        (vec!["demo"], "give --repo URL"),
        (vec!["demo", "--repo", "ftp://x"], "http or https"),
        (vec!["demo", "--repo", "http://127.0.0.1:1", "--version", "latest!"], "cannot reach"),
        (vec!["oci://host"], "no repository path"),
        (vec!["demo", "--repo", "http://x", "--bogus"], "unexpected argument"),
    ] {
        let out = run(step("chart-fetch").args(&args).args(["--retries", "0"]));
        assert_ne!(out.code, 0, "{args:?}");
        assert!(out.stderr.contains(needle), "{args:?}: {out:?}");
    }
}

#[test]
fn unreachable_server_is_a_remote_error() {
    let port = free_port();
    let (out, dest) = fetch(&["--repo", &format!("http://127.0.0.1:{port}"), "demo", "--retries", "2"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr.contains("cannot reach")
            && out.stderr.contains("after 2 retries")
            && out.stderr.contains("HTTPS_PROXY"),
        "{out:?}"
    );
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn secrets_never_reach_output() {
    const CANARY: &str = "Canary-S3cret-42";
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let forbidden = [CANARY.to_string(), b64(CANARY), b64(&format!("alice:{CANARY}"))];
    let (_dir, server) = serve(&ServeOptions { auth: Some("alice:right-pw".into()), ..Default::default() }, false);
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), format!("{CANARY}\n")).unwrap();
    let port = server.port;
    let dead = free_port();
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (vec!["--username".into(), "alice".into(), "--password".into(), CANARY.into()], vec![]),
        (vec!["--username".into(), "alice".into()], vec![("HELM_REPO_PASSWORD", CANARY)]),
        (
            vec![
                "--username".into(),
                "alice".into(),
                "--password-file".into(),
                secret_file.path().display().to_string(),
            ],
            vec![],
        ),
        (vec![], vec![("PLUGIN_USERNAME", "alice"), ("PLUGIN_PASSWORD", CANARY)]),
    ];
    let bk = tempfile::tempdir().unwrap();
    for (extra, env) in cases {
        for mode in [vec![], vec!["--verbose"], vec!["--output", "json"]] {
            for repo in [
                format!("http://127.0.0.1:{port}"),
                format!("http://alice:{CANARY}@127.0.0.1:{port}"),
                format!("http://alice:{CANARY}@127.0.0.1:{dead}"),
            ] {
                let mut cmd = step("chart-fetch");
                cmd.args(["demo", "--retries", "1", "--repo", &repo])
                    .args(&extra)
                    .args(&mode)
                    .envs(env.iter().copied());
                cmd.env("bk_data_dir", bk.path()).env("bk_data_output", "output.json");
                let out = run(&mut cmd);
                assert_ne!(out.code, 0, "{out:?}");
                let output_json = std::fs::read_to_string(bk.path().join("output.json")).unwrap_or_default();
                for secret in &forbidden {
                    assert!(
                        !out.all().contains(secret.as_str()),
                        "secret leaked with {extra:?} {env:?} {mode:?} {repo}: {out:?}"
                    );
                    assert!(!output_json.contains(secret.as_str()), "secret leaked into output.json: {output_json}");
                }
            }
        }
    }
}

#[test]
fn mutual_tls_with_client_certificates() {
    let ca = TestCa::new();
    let tls = Some((ca.server_cert.clone(), ca.server_key.clone()));
    let (_dir, server) = serve(&ServeOptions { tls, client_ca: Some(ca.ca_cert.clone()), ..Default::default() }, false);
    let ca_file = ca.ca_cert.to_str().unwrap();
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--ca-file", ca_file, "--retries", "0"]);
    assert_eq!(out.code, 5, "no client certificate: {out:?}");
    assert!(listing(dest.path()).is_empty());
    let (cert, key) = (ca.client_cert.to_str().unwrap(), ca.client_key.to_str().unwrap());
    same_as_helm(
        &Helm::new(HELM3),
        &["--repo", &server.url(), "demo", "--ca-file", ca_file, "--cert-file", cert, "--key-file", key],
    );
    let (out, _) = fetch(&["--repo", &server.url(), "demo", "--cert-file", cert]);
    assert_eq!(out.code, 2, "--cert-file needs --key-file: {out:?}");
}

#[test]
fn proxies_from_the_environment() {
    // The server answers proxy requests from its folder, so a fetch from a host that does not
    // exist succeeds only through the proxy.
    let (_dir, proxy) = serve(&ServeOptions { proxy: true, ..Default::default() }, false);
    let repo = "http://charts.deckhand.invalid:8080";
    let with_proxy = |no_proxy: &str| {
        let dest = tempfile::tempdir().unwrap();
        let out = run(step("chart-fetch")
            .args(["--repo", repo, "demo", "--retries", "0", "-d"])
            .arg(dest.path())
            .env("HTTP_PROXY", proxy.url())
            .env("http_proxy", proxy.url())
            .env("NO_PROXY", no_proxy)
            .env("no_proxy", no_proxy));
        (out, dest)
    };
    let (out, dest) = with_proxy("");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(only_file(dest.path()).0, "demo-1.10.0.tgz");
    assert!(proxy.proxied() >= 2, "index and archive went through the proxy");
    let before = proxy.proxied();
    let (out, _) = with_proxy("charts.deckhand.invalid");
    assert_eq!(out.code, 5, "NO_PROXY sends it direct, where the host does not exist: {out:?}");
    assert_eq!(proxy.proxied(), before);
}

/// chart-fetch with no language set in its environment (tests may add one), into `dest`.
fn fetch_without_language(args: &[&str], dest: &Path) -> std::process::Command {
    let mut cmd = step("chart-fetch");
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd.args(args).arg("-d").arg(dest);
    cmd
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn an_unknown_chart_and_version_are_said_in_chinese_under_a_chinese_locale() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let url = server.url();
    let dest = tempfile::tempdir().unwrap();
    let out = run(fetch_without_language(&["--repo", &url, "nginx"], dest.path()).env("LANG", "zh_CN.UTF-8"));
    assert_eq!(out.code, 3, "{out:?}");
    let shown = format!("{}/", url.trim_end_matches('/'));
    assert!(
        out.stderr.contains(&format!("Chart 仓库 {shown} 中没有 Chart \"nginx\"（仓库共列出 2 个 Chart）")),
        "{out:?}"
    );
    assert!(out.stderr.contains("请检查 Chart 名称（`helm search repo` 可列出），或检查 --repo 地址"), "{out:?}");

    let out =
        run(fetch_without_language(&["--repo", &url, "demo", "--version", "^3"], dest.path())
            .env("LANG", "zh_CN.UTF-8"));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("demo 没有符合 ^3 的版本；可用版本：2.0.0-rc.1、1.10.0、1.3.0、1.2.3、0.2.0、0.1.0"),
        "{out:?}"
    );
    assert!(out.stderr.contains("用 `helm search repo NAME --versions` 查看可用版本"), "{out:?}");
    assert!(listing(dest.path()).is_empty(), "{:?}", listing(dest.path()));
}

#[test]
fn the_lang_flag_beats_the_locale() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let dest = tempfile::tempdir().unwrap();
    let args = ["--repo", &server.url(), "demo", "--version", "latest!", "--lang", "zh-CN"];
    let out = run(fetch_without_language(&args, dest.path()).env("LANG", "en_US.UTF-8"));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--version：\"latest!\" 不是有效的版本约束"), "{out:?}");
    assert!(out.stderr.contains("请填写版本号（1.2.3）或版本约束"), "{out:?}");
}

#[test]
fn english_is_the_default_language_and_the_result_follows_the_locale() {
    let (_dir, server) = serve(&ServeOptions::default(), false);
    let url = server.url();
    let dest = tempfile::tempdir().unwrap();
    let out = run(&mut fetch_without_language(&["--repo", &url, "nginx"], dest.path()));
    assert_eq!(out.code, 3, "{out:?}");
    let shown = format!("{}/", url.trim_end_matches('/'));
    assert!(
        out.stderr.contains(&format!("chart \"nginx\" is not in the repository {shown} (2 charts listed)")),
        "{out:?}"
    );
    assert!(!has_chinese(&out.stderr), "{out:?}");
    let out = run(&mut fetch_without_language(&["--repo", &url, "demo", "--version", "^3"], dest.path()));
    assert!(out.stderr.contains("no version of demo matches ^3; available: 2.0.0-rc.1, 1.10.0, 1.3.0"), "{out:?}");

    let ok = run(&mut fetch_without_language(&["--repo", &url, "demo"], dest.path()));
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.stdout.starts_with("fetched demo 1.10.0 from "), "{ok:?}");
    assert!(ok.stdout.contains("(verified against the published digest)"), "{ok:?}");
    let zh = run(fetch_without_language(&["--repo", &url, "demo", "--version", "1.2.3"], dest.path())
        .env("LC_ALL", "zh_CN.UTF-8"));
    assert_eq!(zh.code, 0, "{zh:?}");
    assert!(zh.stdout.starts_with(&format!("已从 {shown} 获取 demo 1.2.3")), "{zh:?}");
    assert!(zh.stdout.contains("（已按发布的摘要校验）"), "{zh:?}");
}
