//! chart-fetch against a real OCI registry (CNCF distribution, Debian's docker-registry), with
//! charts pushed by the real `helm push`, and compared with `helm pull`.

use deckhand_tests::*;

/// Packages demo charts and pushes them; returns the digest helm printed for each version.
fn push_all(helm: &Helm, registry: &Registry, versions: &[&str], login: Option<(&str, &str)>) -> Vec<(String, String)> {
    let work = tempfile::tempdir().unwrap();
    if let Some((user, pass)) = login {
        let mut args = vec!["registry", "login", "--username", user, "--password", pass];
        let host = registry.host();
        args.push(&host);
        args.push(if helm.version.starts_with('3') { "--insecure" } else { "--plain-http" });
        helm.ok(&args);
    }
    let mut digests = Vec::new();
    for v in versions {
        let archive = helm.package(work.path(), "demo", v, &work.path().join("out"));
        let out = run(helm.cmd().args([
            "push",
            archive.to_str().unwrap(),
            &format!("oci://{}/charts", registry.host()),
            "--plain-http",
        ]));
        assert_eq!(out.code, 0, "helm push {v}: {out:?}");
        let text = out.all();
        let digest = text
            .lines()
            .find_map(|l| l.strip_prefix("Digest: "))
            .expect("helm push prints the digest")
            .trim()
            .to_string();
        digests.push((v.to_string(), digest));
    }
    digests
}

#[test]
fn oci_versions_constraints_and_digests_match_helm_pull() {
    let registry = Registry::start(RegistryAuth::None);
    let helm = Helm::new(HELM3);
    let digests = push_all(&helm, &registry, &["0.1.0", "0.2.0", "1.0.0", "1.1.0-rc.1"], None);
    let reference = format!("oci://{}/charts/demo", registry.host());
    let r = reference.as_str();
    // helm pull needs a version for OCI in 3.17 only when no tag is listable; give it the same flags.
    assert_eq!(same_as_helm(&helm, &[r, "--plain-http"]), "demo-1.0.0.tgz");
    assert_eq!(same_as_helm(&helm, &[r, "--plain-http", "--version", "0.1.0"]), "demo-0.1.0.tgz");
    assert_eq!(same_as_helm(&helm, &[r, "--plain-http", "--version", "~0.2"]), "demo-0.2.0.tgz");
    assert_eq!(same_as_helm(&helm, &[r, "--plain-http", "--version", "<1.0.0"]), "demo-0.2.0.tgz");
    assert_eq!(same_as_helm(&helm, &[r, "--plain-http", "--devel"]), "demo-1.1.0-rc.1.tgz");
    let helm4 = Helm::new(HELM4);
    assert_eq!(same_as_helm(&helm4, &[r, "--plain-http", "--version", "^0.1"]), "demo-0.1.0.tgz");

    // A tag in the reference, and a digest pin.
    let (out, dest) = fetch(&[&format!("{r}:0.2.0"), "--plain-http"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(only_file(dest.path()).0, "demo-0.2.0.tgz");
    let digest = &digests.iter().find(|(v, _)| v == "0.1.0").unwrap().1;
    let (out, dest) = fetch(&[&format!("{r}@{digest}"), "--plain-http", "--output", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let result: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((result["version"].as_str(), result["verified"].as_bool()), (Some("0.1.0"), Some(true)));
    assert_eq!(only_file(dest.path()).0, "demo-0.1.0.tgz");
    assert_eq!(result["source"]["reference"].as_str(), Some(format!("{r}@{digest}").as_str()), "pinned as written");
    let (out, _) = fetch(&[&format!("{r}@{digest}"), "--plain-http"]);
    assert!(out.stdout.contains(&format!("from {r}@{digest}")), "{out:?}");

    // A pin to a manifest that does not exist, a tag/--version conflict, a missing chart.
    let (out, dest) = fetch(&[&format!("{r}@sha256:{}", "0".repeat(64)), "--plain-http"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(listing(dest.path()).is_empty());
    let (out, _) = fetch(&[&format!("{r}:0.2.0"), "--version", "0.1.0", "--plain-http"]);
    assert_eq!(out.code, 2, "{out:?}");
    let (out, _) = fetch(&[&format!("oci://{}/charts/nothing", registry.host()), "--plain-http"]);
    assert_ne!(out.code, 0, "{out:?}");

    // The plain-HTTP registry asked over https: said at once, no retries, with the way out.
    let (out, _) = fetch(&[r]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("did not answer in TLS: it looks like a plain-HTTP server"), "{out:?}");
    assert!(out.stderr.contains("pass --plain-http"), "{out:?}");
    assert!(!out.stderr.contains("retry"), "{out:?}");
}

#[test]
fn oci_with_htpasswd_auth() {
    let registry = Registry::start(RegistryAuth::Htpasswd("robot", "Reg1stry-pw"));
    let helm = Helm::new(HELM3);
    push_all(&helm, &registry, &["0.3.0"], Some(("robot", "Reg1stry-pw")));
    let r = format!("oci://{}/charts/demo", registry.host());
    let (out, dest) = fetch(&[&r, "--plain-http", "--username", "robot", "--password", "Reg1stry-pw"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (theirs, helm_dir) =
        helm.pull(&[&r, "--plain-http", "--version", "0.3.0", "--username", "robot", "--password", "Reg1stry-pw"]);
    assert_eq!(theirs.code, 0, "{theirs:?}");
    assert!(only_file(dest.path()).1 == only_file(&helm_dir).1);

    let (out, dest) =
        fetch(&[&r, "--plain-http", "--version", "0.3.0", "--username", "robot", "--password", "Wr0ng-Canary-pw"]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("401"), "{out:?}");
    assert!(!out.all().contains("Wr0ng-Canary-pw"));
    assert!(listing(dest.path()).is_empty());

    let (out, _) = fetch(&[&r, "--plain-http", "--version", "0.3.0"]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("requires a login") && out.stderr.contains("--username"), "{out:?}");
}

#[test]
fn oci_with_the_bearer_token_flow() {
    let registry = Registry::start(RegistryAuth::Token("robot", "T0ken-pw"));
    let helm = Helm::new(HELM3);
    push_all(&helm, &registry, &["0.4.0", "0.5.0"], Some(("robot", "T0ken-pw")));
    let r = format!("oci://{}/charts/demo", registry.host());
    // A constraint makes chart-fetch list the tags too, with a token of its own.
    let (out, dest) =
        fetch(&[&r, "--plain-http", "--version", "~0.4", "--username", "robot", "--password", "T0ken-pw"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (theirs, helm_dir) =
        helm.pull(&[&r, "--plain-http", "--version", "0.4.0", "--username", "robot", "--password", "T0ken-pw"]);
    assert_eq!(theirs.code, 0, "{theirs:?}");
    assert!(only_file(dest.path()) == only_file(&helm_dir), "the same chart as helm's");

    let (out, dest) =
        fetch(&[&r, "--plain-http", "--version", "0.5.0", "--username", "robot", "--password", "Wr0ng-Canary-pw"]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("token") && out.stderr.contains("401"), "{out:?}");
    assert!(!out.all().contains("Wr0ng-Canary-pw"));
    assert!(listing(dest.path()).is_empty());
    let (out, _) = fetch(&[&r, "--plain-http", "--version", "0.5.0"]);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("requires a login"), "{out:?}");
}
