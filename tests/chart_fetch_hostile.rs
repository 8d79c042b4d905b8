//! chart-fetch against HOSTILE peers: tests/peers/hostile_http.py (a repository or registry that
//! trickles, downgrades to plain HTTP, points its pages elsewhere or lies about its chart), crafted
//! indexes and archives served by tests/peers/serve.py, and the real registry with the login
//! `helm registry login` stored.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use deckhand_tests::*;
use sha2::{Digest, Sha256};

const CANARY: &str = "Hostile-Canary-pw-7f3e";

/// A real chart archive, packaged by helm.
fn demo_archive(work: &Path, version: &str) -> std::path::PathBuf {
    Helm::new(HELM3).package(work, "demo", version, &work.join("out"))
}

fn oci_peer(tamper: &str) -> (HostilePeer, tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    let archive = demo_archive(work.path(), "0.1.0");
    let auth = format!("robot:{CANARY}");
    let peer = HostilePeer::start(&[
        "--mode",
        "oci",
        "--tamper",
        tamper,
        "--auth",
        &auth,
        "--chart-tgz",
        archive.to_str().unwrap(),
    ]);
    (peer, work)
}

fn fetch_oci(peer: &HostilePeer, extra: &[&str]) -> (Run, tempfile::TempDir) {
    let reference = format!("oci://127.0.0.1:{}/charts/demo", peer.port);
    let mut args = vec![reference.as_str(), "--plain-http", "--username", "robot", "--password", CANARY];
    args.extend(extra);
    fetch(&args)
}

#[test]
fn a_trickled_body_times_out_as_a_whole() {
    let peer = HostilePeer::start(&["--mode", "trickle"]);
    let dest = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", peer.port);
    let out = run_within(
        step("chart-fetch")
            .args(["--repo", &url, "demo", "--http-timeout", "3s", "--retries", "0", "-d"])
            .arg(dest.path()),
        Duration::from_secs(120),
    );
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("did not answer within 3s"), "{out:?}");
    assert!(listing(dest.path()).is_empty(), "{out:?}");
}

#[test]
fn https_is_never_redirected_to_plain_http() {
    let cert = SelfSigned::new();
    let peer =
        HostilePeer::start(&["--mode", "downgrade", "--tls", cert.cert.to_str().unwrap(), cert.key.to_str().unwrap()]);
    let url = format!("https://localhost:{}", peer.port);
    let ca = cert.cert.to_str().unwrap();
    let (out, dest) = fetch(&["--repo", &url, "demo", "--ca-file", ca, "--username", "u", "--password", CANARY]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("plain HTTP"), "{out:?}");
    assert_eq!(peer.foreign_requests(), 0, "{:?}", peer.requests());
    assert!(!out.all().contains(CANARY));
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn an_https_registry_never_sends_logins_to_a_plain_http_token_service() {
    let cert = SelfSigned::new();
    let work = tempfile::tempdir().unwrap();
    let archive = demo_archive(work.path(), "0.1.0");
    let (cert_file, key_file) = (cert.cert.to_str().unwrap(), cert.key.to_str().unwrap());
    let peer = HostilePeer::start(&[
        "--mode",
        "oci",
        "--tamper",
        "http-realm",
        "--chart-tgz",
        archive.to_str().unwrap(),
        "--tls",
        cert_file,
        key_file,
    ]);
    let reference = format!("oci://localhost:{}/charts/demo:0.1.0", peer.port);
    let (out, dest) = fetch(&[&reference, "--ca-file", cert_file, "--username", "robot", "--password", CANARY]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("not HTTPS"), "{out:?}");
    assert_eq!(peer.foreign_requests(), 0, "{:?}", peer.requests());
    assert!(!out.all().contains(CANARY));
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn tag_pages_on_another_origin_are_not_followed_with_the_credentials() {
    let (peer, _work) = oci_peer("foreign-link");
    let (out, dest) = fetch_oci(&peer, &[]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("another server"), "{out:?}");
    assert_eq!(peer.foreign_requests(), 0, "{:?}", peer.requests());
    assert!(!out.all().contains(CANARY));
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn a_malformed_link_header_is_ignored_not_a_crash() {
    let (peer, _work) = oci_peer("malformed-link");
    let (out, dest) = fetch_oci(&peer, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(dest.path()), ["demo-0.1.0.tgz"]);
}

#[test]
fn a_config_version_that_is_a_path_is_refused() {
    let (peer, _work) = oci_peer("evil-version");
    let outer = tempfile::tempdir().unwrap();
    let dest = outer.path().join("a/b");
    let reference = format!("oci://127.0.0.1:{}/charts/demo", peer.port);
    let out = run(step("chart-fetch")
        .args([&reference, "--version", "0.1.0", "--plain-http", "--username", "robot", "--password", CANARY, "-d"])
        .arg(&dest));
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("not SemVer"), "{out:?}");
    let everything: Vec<_> = tree(outer.path()).into_iter().map(|(name, _)| name).collect();
    assert!(everything.is_empty(), "{everything:?}");
}

#[test]
fn a_config_naming_another_chart_is_refused() {
    let (peer, _work) = oci_peer("wrong-name");
    let (out, dest) = fetch_oci(&peer, &["--version", "0.1.0"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("\"other\""), "{out:?}");
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn manifests_are_capped_like_oras_and_the_cap_can_be_raised() {
    let (peer, _work) = oci_peer("big-manifest");
    let (out, dest) = fetch_oci(&peer, &["--version", "0.1.0"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("--max-manifest-size"), "{out:?}");
    assert!(listing(dest.path()).is_empty());
    let (out, dest) = fetch_oci(&peer, &["--version", "0.1.0", "--max-manifest-size", "8MiB"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(dest.path()), ["demo-0.1.0.tgz"]);
}

/// A gzipped tar holding one chart folder `top/` whose Chart.yaml says `name: <name>`.
fn archive_named(name: &str, top: &str) -> Vec<u8> {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    let chart_yaml = format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n");
    let mut header = tar::Header::new_gnu();
    header.set_size(chart_yaml.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, format!("{top}/Chart.yaml"), chart_yaml.as_bytes()).unwrap();
    tar.into_inner().unwrap().finish().unwrap()
}

/// A classic repository whose index lists `demo` 1.0.0 as `file`, with `archive` as that file and
/// `app_version` as its appVersion.
fn crafted_repo(archive: &[u8], file: &str, app_version: &str) -> (tempfile::TempDir, StaticServer) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), archive).unwrap();
    let digest = hex::encode(Sha256::digest(archive));
    let index = format!(
        "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 1.0.0\n    appVersion: {app_version}\n    digest: {digest}\n    urls: [{file}]\n"
    );
    std::fs::write(dir.path().join("index.yaml"), index).unwrap();
    let server = StaticServer::start(dir.path(), &ServeOptions::default());
    (dir, server)
}

#[test]
fn an_archive_naming_itself_dot_git_never_replaces_the_workspace_git() {
    let (_dir, server) = crafted_repo(&archive_named(".git", ".git"), "demo-1.0.0.tgz", "\"1\"");
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join(".git")).unwrap();
    std::fs::write(ws.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let out = run(step("chart-fetch")
        .args(["--repo", &server.url(), "demo", "--untar", "--untardir", ".", "--force", "-d"])
        .arg(ws.path()));
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("not \"demo\""), "{out:?}");
    assert_eq!(std::fs::read_to_string(ws.path().join(".git/HEAD")).unwrap(), "ref: refs/heads/main\n");
    assert_eq!(listing(ws.path()), [".git"]);
}

#[test]
fn server_values_cannot_drive_the_terminal() {
    let archive = archive_named("demo", "demo");
    let (_dir, server) = crafted_repo(&archive, "demo-1.0.0.tgz", "\"9\\e[2J\\rfetched evil\"");
    let (out, _dest) = fetch(&["--repo", &server.url(), "demo"]);
    assert_eq!(out.code, 0, "{out:?}");
    // helm's index reader drops control characters from such fields (sanitizeString), and so
    // do we; whatever else a server says goes through the printer's escaping (log::for_terminal).
    assert!(!out.all().contains('\x1b') && !out.all().contains('\r'), "{out:?}");

    let (peer, _work) = oci_peer("control-chars");
    let (out, _dest) = fetch_oci(&peer, &["--version", "0.1.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains('\x1b') && !out.all().contains('\r'), "{out:?}");
    assert!(out.stdout.contains("1\\u{1b}[2J\\u{d}fetched evil"), "{out:?}");
}

#[test]
fn saved_archives_get_the_umask_mode() {
    let archive = archive_named("demo", "demo");
    let (_dir, server) = crafted_repo(&archive, "demo-1.0.0.tgz", "\"1\"");
    for (umask, mode) in [("022", 0o644), ("027", 0o640)] {
        let dest = tempfile::tempdir().unwrap();
        let script = format!("umask {umask}; exec \"$0\" --repo {} demo -d \"$1\"", server.url());
        let binary = step("chart-fetch").get_program().to_owned();
        let out = run(Command::new("sh").args(["-c", &script]).arg(binary).arg(dest.path()));
        assert_eq!(out.code, 0, "{out:?}");
        let saved = std::fs::metadata(dest.path().join("demo-1.0.0.tgz")).unwrap();
        assert_eq!(saved.permissions().mode() & 0o777, mode, "umask {umask}");
    }
}

#[test]
fn credentials_in_a_url_that_does_not_parse_are_masked() {
    let repo = format!("https://bob:pa/ss-{CANARY}@repo.example/charts");
    let (out, _) = fetch(&["--repo", &repo, "demo"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(!out.all().contains(CANARY), "{out:?}");
}

#[test]
fn oci_logins_stored_by_helm_registry_login_or_docker_are_used() {
    let registry = Registry::start(RegistryAuth::Htpasswd("robot", CANARY));
    let helm = Helm::new(HELM3);
    let work = tempfile::tempdir().unwrap();
    let archive = demo_archive(work.path(), "0.2.0");
    let host = registry.host();
    helm.ok(&["registry", "login", &host, "--username", "robot", "--password", CANARY, "--insecure"]);
    helm.ok(&["push", archive.to_str().unwrap(), &format!("oci://{host}/charts"), "--plain-http"]);
    let reference = format!("oci://{host}/charts/demo");

    // helm's own registry config, where `helm registry login` wrote it.
    let dest = tempfile::tempdir().unwrap();
    let mut with_helm_login = step("chart-fetch");
    helm.homes(&mut with_helm_login);
    let out = run(with_helm_login.args([&reference, "--version", "0.2.0", "--plain-http", "-d"]).arg(dest.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains(CANARY));

    // docker's config.json, from DOCKER_CONFIG.
    use base64::Engine;
    let docker = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("robot:{CANARY}"));
    std::fs::write(docker.path().join("config.json"), format!(r#"{{"auths": {{"{host}": {{"auth": "{auth}"}}}}}}"#))
        .unwrap();
    let dest = tempfile::tempdir().unwrap();
    let out = run(step("chart-fetch")
        .env("DOCKER_CONFIG", docker.path())
        .env("HOME", docker.path())
        .args([&reference, "--version", "0.2.0", "--plain-http", "-d"])
        .arg(dest.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains(CANARY));

    // Neither: the registry's 401 says to log in.
    let empty = tempfile::tempdir().unwrap();
    let out = run(step("chart-fetch").env("HOME", empty.path()).env_remove("DOCKER_CONFIG").args([
        &reference,
        "--version",
        "0.2.0",
        "--plain-http",
    ]));
    assert_ne!(out.code, 0, "{out:?}");
}

#[test]
fn an_index_entry_naming_another_chart_never_names_the_file() {
    // Found by the `index` fuzz target: the entry's own name used to name the saved file.
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_named("demo", "demo");
    std::fs::write(dir.path().join("get"), &archive).unwrap();
    let digest = hex::encode(Sha256::digest(&archive));
    for name in ["/", "api", ".."] {
        let index = format!(
            "apiVersion: v1\nentries:\n  demo:\n  - name: \"{name}\"\n    version: 1.0.0\n    digest: {digest}\n    urls: [get]\n"
        );
        std::fs::write(dir.path().join("index.yaml"), index).unwrap();
        let server = StaticServer::start(dir.path(), &ServeOptions::default());
        let (out, dest) = fetch(&["--repo", &server.url(), "demo"]);
        assert_ne!(out.code, 0, "{name}: {out:?}");
        assert!(out.stderr.contains("names another chart"), "{name}: {out:?}");
        assert!(listing(dest.path()).is_empty(), "{name}: {out:?}");
        assert!(!Path::new("/-1.0.0.tgz").exists());
    }
    let (out, _) = fetch(&["--repo", "http://127.0.0.1:9/", "../demo"]);
    assert_eq!(out.code, 2, "{out:?}");
}
