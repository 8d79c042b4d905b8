//! The opt-in suite for a REAL cluster: runs only when DECKHAND_E2E_KUBECONFIG names a kubeconfig
//! (`tests/run` then runs it with `--ignored`); everything else in the suite uses the API stand-in.
//! It works in a namespace of its own and deletes it at the end.

mod support;

use support::*;

fn kubeconfig() -> String {
    std::env::var("DECKHAND_E2E_KUBECONFIG").expect("set DECKHAND_E2E_KUBECONFIG to a kubeconfig of a test cluster")
}

fn kubectl(args: &[&str]) -> Run {
    let bin = std::env::var_os("DECKHAND_PEERS")
        .map(|p| std::path::PathBuf::from(p).join("bin"))
        .unwrap_or_else(|| root().join("target/peers/bin"))
        .join(format!("kubectl-for-helm-{HELM3}"));
    run(std::process::Command::new(bin).args(args).env("KUBECONFIG", kubeconfig()))
}

#[test]
#[ignore = "needs a real cluster: set DECKHAND_E2E_KUBECONFIG and run tests/run"]
fn pull_secret_on_a_real_cluster() {
    let ns = format!("deckhand-e2e-{}", std::process::id());
    let args =
        ["regcred", "-n", &ns, "--create-namespace", "--service-account", "default", "--registry", "registry.example"];
    let creds = ["--username", "ci", "--password", "e2e-Canary-pw", "--verify", "never"];
    let first = run(step("pull-secret").args(args).args(creds).env("KUBECONFIG", kubeconfig()));
    let second = run(step("pull-secret").args(args).args(creds).env("KUBECONFIG", kubeconfig()));
    let secret = kubectl(&["get", "secret", "regcred", "-n", &ns, "-o", "jsonpath={.type}"]);
    let sa = kubectl(&["get", "serviceaccount", "default", "-n", &ns, "-o", "jsonpath={.imagePullSecrets[*].name}"]);
    kubectl(&["delete", "namespace", &ns, "--wait=false"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stdout.contains(": created"), "{first:?}");
    assert!(second.stdout.contains(": unchanged"), "{second:?}");
    assert_eq!(secret.stdout, "kubernetes.io/dockerconfigjson");
    assert_eq!(sa.stdout, "regcred");
    assert!(!first.all().contains("e2e-Canary-pw"));
}
