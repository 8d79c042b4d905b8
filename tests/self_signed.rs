//! Every TLS connection the steps make accepts the commonest enterprise certificate: made with
//! `openssl req -x509 ...` (its own CA, basicConstraints CA:TRUE) and passed with `--ca-file` (or as
//! a kubeconfig's `certificate-authority-data`), as helm, curl, docker and Go accept it; rustls
//! alone refuses it (CaUsedAsEndEntity). Peers: the real helm, the real registry, python's TLS
//! static server, and the Kubernetes API STAND-IN (tests/peers/kube_standin.py).

use deckhand_tests::*;
use serde_json::json;

fn tls_options(cert: &SelfSigned) -> ServeOptions {
    ServeOptions { tls: Some((cert.cert.clone(), cert.key.clone())), ..Default::default() }
}

/// A classic repository on HTTPS with one chart, served with the self-signed certificate.
fn https_repo(cert: &SelfSigned) -> (tempfile::TempDir, StaticServer) {
    let dir = tempfile::tempdir().unwrap();
    let helm = Helm::new(HELM3);
    helm.package(dir.path(), "demo", "1.0.0", dir.path());
    helm.ok(&["repo", "index", dir.path().to_str().unwrap()]);
    let server = StaticServer::start(dir.path(), &tls_options(cert));
    (dir, server)
}

#[test]
fn chart_repository_with_a_self_signed_certificate() {
    let cert = SelfSigned::new();
    let (_dir, server) = https_repo(&cert);
    let ca_file = cert.cert.to_str().unwrap();
    // helm accepts it, and so do we, with the same bytes.
    same_as_helm(&Helm::new(HELM3), &["--repo", &server.url(), "demo", "--ca-file", ca_file]);
    // Without --ca-file it stays untrusted.
    let (out, _) = fetch(&["--repo", &server.url(), "demo", "--retries", "0"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("--ca-file"), "{out:?}");
}

#[test]
fn a_trusted_self_signed_certificate_for_another_name_is_refused() {
    let cert = SelfSigned::for_names("DNS:other.example");
    let (_dir, server) = https_repo(&cert);
    let ca_file = cert.cert.to_str().unwrap();
    let (out, dest) = fetch(&["--repo", &server.url(), "demo", "--ca-file", ca_file, "--retries", "0"]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("TLS"), "{out:?}");
    assert!(listing(dest.path()).is_empty(), "{out:?}");
    let (helm, _) = Helm::new(HELM3).pull(&["--repo", &server.url(), "demo", "--ca-file", ca_file]);
    assert_ne!(helm.code, 0, "helm refuses it too: {helm:?}");
}

#[test]
fn oci_registry_with_a_self_signed_certificate() {
    let cert = SelfSigned::new();
    let registry = Registry::start_with(RegistryAuth::None, Some((&cert.cert, &cert.key)));
    // helm 3.17.3 talks plain HTTP to an OCI registry once --ca-file is given (its push and pull
    // fail with 400 from the TLS port); helm 4.1.4 does it right, so it is the peer here.
    let helm = Helm::new(HELM4);
    let work = tempfile::tempdir().unwrap();
    let archive = helm.package(work.path(), "demo", "0.3.0", work.path());
    let ca_file = cert.cert.to_str().unwrap();
    let target = format!("oci://127.0.0.1:{}/charts", registry.port);
    helm.ok(&["push", archive.to_str().unwrap(), &target, "--ca-file", ca_file]);
    let reference = format!("{target}/demo");
    same_as_helm(&helm, &[&reference, "--version", "0.3.0", "--ca-file", ca_file]);
}

#[test]
fn jenkins_with_a_self_signed_certificate() {
    let cert = SelfSigned::new();
    let mut options = tls_options(&cert);
    options.auth = Some("ci-bot:tok".into());
    let server = StaticServer::start(&root().join("tests/fixtures/jenkins"), &options);
    let url = format!("https://localhost:{}/", server.port);
    let lint = |extra: &[&str]| {
        run(step("checkout-guard")
            .args(["lint", "--jenkins-url", &url, "--job", "shop/web", "--user", "ci-bot", "--token", "tok"])
            .args(extra))
    };
    let out = lint(&["--ca-file", cert.cert.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    let untrusted = lint(&["--retries", "0"]);
    assert_ne!(untrusted.code, 0, "{untrusted:?}");
}

#[test]
fn pull_secret_with_a_self_signed_registry_and_api_server() {
    let registry_cert = SelfSigned::new();
    let registry = Registry::start_with(
        RegistryAuth::Htpasswd("robot", "Self-Signed-pw-1"),
        Some((&registry_cert.cert, &registry_cert.key)),
    );
    let api_cert = SelfSigned::new();
    let kube = KubeStandin::start_with(
        &json!([{"kind": "Namespace", "metadata": {"name": "web"}}]),
        StandinOptions {
            tls: true,
            server_cert: Some((api_cert.cert.clone(), api_cert.key.clone())),
            ..Default::default()
        },
    );
    let host = format!("localhost:{}", registry.port);
    let run_with = |extra: &[&str]| {
        run(step("pull-secret")
            .args(["harbor-pull", "-n", "web", "--registry", &host, "--username", "robot"])
            .args(["--password", "Self-Signed-pw-1", "--retries", "0"])
            .args(extra)
            .arg("--kubeconfig")
            .arg(kube.kubeconfig_file()))
    };
    // The kubeconfig's certificate-authority-data is the API server's own certificate.
    let out = run_with(&["--ca-file", registry_cert.cert.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!("login checked with: {host}")), "{out:?}");
    assert!(kube.find("Secret", "web", "harbor-pull").is_some());
}
