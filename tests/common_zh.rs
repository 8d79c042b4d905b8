//! The messages every network step shares (deckhand-common's catalogue) in Simplified Chinese:
//! a TLS failure with a self-signed server, an unreachable server, an unreachable cluster; and
//! the English default, unchanged. Peers: python's TLS static server (tests/peers/serve.py) and
//! openssl for the certificate.

use std::process::Command;

use deckhand_tests::*;

/// The variables that choose a run's language, all cleared: the test says which one it sets.
fn clean(mut cmd: Command) -> Command {
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd
}

fn chinese(name: &str) -> Command {
    let mut cmd = clean(step(name));
    cmd.env("LANG", "zh_CN.UTF-8");
    cmd
}

fn english(name: &str) -> Command {
    clean(step(name))
}

/// A chart repository on HTTPS with a self-signed certificate (no `--ca-file`: untrusted).
fn self_signed_server() -> (SelfSigned, tempfile::TempDir, StaticServer) {
    let cert = SelfSigned::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.yaml"), "apiVersion: v1\nentries: {}\n").unwrap();
    let options = ServeOptions { tls: Some((cert.cert.clone(), cert.key.clone())), ..Default::default() };
    let server = StaticServer::start(dir.path(), &options);
    (cert, dir, server)
}

/// Runs chart-fetch (`cmd`) with `args` into a fresh folder, which must stay empty.
fn fetch_in(mut cmd: Command, args: &[&str]) -> Run {
    let dest = tempfile::tempdir().unwrap();
    let out = run(cmd.args(args).arg("-d").arg(dest.path()));
    assert!(listing(dest.path()).is_empty(), "{out:?}");
    out
}

#[test]
fn an_untrusted_self_signed_server_is_a_tls_failure_in_chinese() {
    let (_cert, _dir, server) = self_signed_server();
    let origin = format!("https://localhost:{}", server.port);
    let out = fetch_in(chinese("chart-fetch"), &["--repo", &server.url(), "demo", "--retries", "0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("错误：与 {origin} 建立 TLS 连接失败：")), "{out:?}");
    assert!(out.stderr.contains("提示：如果服务端使用私有 CA 签发的证书，请用 --ca-file 传入该 CA 证书"), "{out:?}");
    assert!(!out.stderr.contains("hint:") && !out.stderr.contains("failed:"), "{out:?}");

    // The same with --lang, whatever the locale says.
    let mut cmd = english("chart-fetch");
    cmd.env("LANG", "en_US.UTF-8").args(["--lang", "zh-CN"]);
    let out = fetch_in(cmd, &["--repo", &server.url(), "demo", "--retries", "0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("与 {origin} 建立 TLS 连接失败")), "{out:?}");
}

#[test]
fn the_english_default_is_unchanged() {
    let (_cert, _dir, server) = self_signed_server();
    let origin = format!("https://localhost:{}", server.port);
    let out = fetch_in(english("chart-fetch"), &["--repo", &server.url(), "demo", "--retries", "0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("error: TLS with {origin} failed: ")), "{out:?}");
    assert!(
        out.stderr.contains("\n  hint: if the server uses a private CA, pass its certificate with --ca-file"),
        "{out:?}"
    );

    let port = free_port();
    let out =
        fetch_in(english("chart-fetch"), &["--repo", &format!("http://127.0.0.1:{port}"), "demo", "--retries", "0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("cannot reach http://127.0.0.1:{port} (")), "{out:?}");
    assert!(out.stderr.contains("), also after 0 retries"), "{out:?}");
}

#[test]
fn an_unreachable_server_in_chinese() {
    let port = free_port();
    let repo = format!("http://127.0.0.1:{port}");
    let out = fetch_in(chinese("chart-fetch"), &["--repo", &repo, "demo", "--retries", "0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("错误：无法连接 {repo}：")), "{out:?}");
    assert!(
        out.stderr.contains("提示：请检查主机名和端口、DNS 以及代理设置（HTTPS_PROXY、HTTP_PROXY、NO_PROXY）"),
        "{out:?}"
    );

    // With retries: each is announced, and the error says how many were made.
    let out = fetch_in(chinese("chart-fetch"), &["--repo", &repo, "demo", "--retries", "1"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("警告：") && out.stderr.contains("毫秒后进行第 1 次重试（共 1 次）"), "{out:?}");
    assert!(out.stderr.contains(&format!("无法连接 {repo}（已重试 1 次）：")), "{out:?}");
}

#[test]
fn an_unreachable_cluster_in_chinese() {
    let port = free_port();
    let server = format!("http://127.0.0.1:{port}");
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: {server}\n\
         contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: zh-canary-token\n"
    );
    let mut cmd = chinese("pull-secret");
    cmd.args(["regcred", "-n", "web", "--registry", "r.example", "--username", "u", "--password", "p-123"])
        .args(["--verify", "never", "--kube-timeout", "3s"])
        .env_remove("KUBECONFIG")
        .env("KUBECONFIG_CONTENT", &kubeconfig);
    let out = run(&mut cmd);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("无法连接集群 {server}（查询集群版本）：")), "{out:?}");
    assert!(out.stderr.contains("提示：请检查 kubeconfig 中的 API Server 地址"), "{out:?}");
    assert!(!out.all().contains("zh-canary-token"), "{out:?}");
}
