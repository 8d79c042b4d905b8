//! The opt-in suite for a REAL cluster: runs only when DECKHAND_E2E_KUBECONFIG names a kubeconfig
//! (`tests/run` then runs it with `--ignored`); everything else in the suite uses the API stand-in.
//! It works in a namespace of its own and deletes it at the end.

use deckhand_tests::*;

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

/// The image the workloads run: `E2E_IMAGE` (default registry.k8s.io/pause:3.9; set a mirror in
/// air-gapped clusters), as (repository, tag).
fn e2e_image() -> (String, String) {
    let image = std::env::var("E2E_IMAGE").unwrap_or_else(|_| "registry.k8s.io/pause:3.9".into());
    let (repository, tag) = image.rsplit_once(':').expect("E2E_IMAGE is repository:tag");
    (repository.to_string(), tag.to_string())
}

/// chart-deploy of the test chart as release `web` in `ns`, with the E2E image's repository.
fn chart_deploy(helm: &Helm, ns: &str, args: &[&str]) -> Run {
    let mut cmd = step("chart-deploy");
    cmd.arg(root().join("tests/fixtures/charts/web")).args(["--release", "web", "-n", ns, "--helm"]);
    cmd.arg(helm.binary()).args(["--set", &format!("image.repository={}", e2e_image().0)]).args(args);
    cmd.env("KUBECONFIG", kubeconfig());
    helm.homes(&mut cmd);
    run(&mut cmd)
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

/// The stand-in scenarios of chart-deploy on a real cluster: install and wait, upgrade, a broken
/// revision deployed without waiting, a missing image found fast and rolled back with --atomic to
/// the last revision seen healthy (not the broken one) and recorded failed in helm's history, a
/// missing imagePullSecret caught by the pre-flight.
#[test]
#[ignore = "needs a real cluster: set DECKHAND_E2E_KUBECONFIG and run tests/run"]
fn chart_deploy_on_a_real_cluster() {
    let ns = format!("deckhand-e2e-deploy-{}", std::process::id());
    let (repository, tag) = e2e_image();
    let image = format!("{repository}:{tag}");
    let helm = Helm::new(HELM3);
    let deploy = |extra: &[&str]| chart_deploy(&helm, &ns, extra);
    let tag_set = format!("image.tag={tag}");
    let install = deploy(&["--create-namespace", "--timeout", "5m", "--set", &tag_set]);
    let upgrade = deploy(&["--timeout", "5m", "--replicas", "2", "--set", &tag_set]);
    let unwaited = deploy(&["--set", "image.tag=deckhand-e2e-no-such-tag"]);
    let broken = deploy(&["--timeout", "10m", "--atomic", "--set", "image.tag=deckhand-e2e-no-such-tag"]);
    let history = run(helm.cmd().args(["history", "web", "-n", &ns, "-o", "json"]).env("KUBECONFIG", kubeconfig()));
    let preflight = deploy(&["--set", &tag_set, "--set", "imagePullSecrets[0].name=deckhand-e2e-missing"]);
    let image_now =
        kubectl(&["get", "deploy", "web-web", "-n", &ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    kubectl(&["delete", "namespace", &ns, "--wait=false"]);
    assert_eq!(install.code, 0, "{install:?}");
    assert!(install.stdout.contains("deployment/web-web: 1/1 ready"), "{install:?}");
    assert_eq!(upgrade.code, 0, "{upgrade:?}");
    assert!(upgrade.stdout.contains("deployment/web-web: 2/2 ready"), "{upgrade:?}");
    assert_eq!(unwaited.code, 0, "{unwaited:?}");
    assert_eq!(broken.code, 7, "{broken:?}");
    assert!(broken.stderr.contains("ImagePull") && broken.stderr.contains("rolled back to revision 2"), "{broken:?}");
    let statuses: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&history.stdout)
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["superseded", "superseded", "superseded", "failed", "deployed"], "{history:?}");
    assert_eq!(image_now.stdout, image);
    assert_eq!(preflight.code, 3, "{preflight:?}");
    assert!(preflight.stderr.contains("imagePullSecret `deckhand-e2e-missing`"), "{preflight:?}");
}

/// What real clusters recover from, on a real cluster: a Secret created while the pod waits for it
/// (CreateContainerConfigError) and a ResourceQuota raised while the ReplicaSet is refused
/// (FailedCreate, the quota then removed) are waited out within `--grace`, and the deploy succeeds.
#[test]
#[ignore = "needs a real cluster: set DECKHAND_E2E_KUBECONFIG and run tests/run"]
fn chart_deploy_waits_out_transient_states_on_a_real_cluster() {
    let ns = format!("deckhand-e2e-transient-{}", std::process::id());
    let tag_set = format!("image.tag={}", e2e_image().1);
    let helm = Helm::new(HELM3);
    kubectl(&["create", "namespace", &ns]);
    let deploy = |extra: &[&str]| {
        let args = [&["--set", &tag_set, "--timeout", "5m", "--grace", "3m"][..], extra].concat();
        chart_deploy(&helm, &ns, &args)
    };
    let later = |seconds: u64, args: Vec<String>| {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            kubectl(&args)
        })
    };
    let secret = later(
        20,
        ["create", "secret", "generic", "app-env", "-n", &ns, "--from-literal=A=b"].map(String::from).to_vec(),
    );
    let config = deploy(&["--no-preflight", "--set", "envFromSecret=app-env"]);
    secret.join().unwrap();
    kubectl(&["create", "quota", "compute", "-n", &ns, "--hard=requests.cpu=100m"]);
    let quota_raised = later(20, ["delete", "quota", "compute", "-n", &ns].map(String::from).to_vec());
    let quota = deploy(&["--set", "resources.requests.cpu=200m", "--set", "envFromSecret=app-env"]);
    quota_raised.join().unwrap();
    kubectl(&["delete", "namespace", &ns, "--wait=false"]);
    assert_eq!(config.code, 0, "{config:?}");
    assert!(config.stderr.contains("recovered from CreateContainerConfigError"), "{config:?}");
    assert_eq!(quota.code, 0, "{quota:?}");
    assert!(quota.stderr.contains("recovered from FailedCreate"), "{quota:?}");
}
