//! chart-deploy with the real helm CLI (3.4.2, 3.5.4, 3.17.3 and 4.1.4) against the Kubernetes API
//! STAND-IN (tests/peers/kube_standin.py, emulating Kubernetes 1.14, 1.16, 1.20 and 1.33): no real
//! API server can run here. The stand-in's pretend kubelet picks a pod's fate from its image tag
//! (see tests/fixtures/charts/web/values.yaml), and from the objects themselves (missing Secrets,
//! quotas, requests above what the nodes have free, unbound claims); `--script` makes things
//! happen later (a Secret appears, a quota frees up, the watches expire).
//!
//! The scenarios run across a matrix of (Kubernetes profile, helm): [`EVERY_PAIR`] for the main
//! paths, [`ONE_PER_VERSION`] for each failure and recovery; the README prints it.

mod interrupt;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use deckhand_tests::*;
use serde_json::{json, Value};

const RELEASE: &str = "web";
const NS: &str = "shop";
/// The chart's Deployment and Service.
const WORKLOAD: &str = "web-web";

fn chart() -> PathBuf {
    root().join("tests/fixtures/charts/web")
}

fn namespace(name: &str) -> Value {
    json!({"kind": "Namespace", "metadata": {"name": name}})
}

/// One cell of the matrix: an emulated Kubernetes version and a real helm.
#[derive(Debug, Clone, Copy)]
struct Cell {
    kubernetes: &'static str,
    helm: &'static str,
}

const fn cell(kubernetes: &'static str, helm: &'static str) -> Cell {
    Cell { kubernetes, helm }
}

/// Every pair a user can run: each profile with each helm, except helm 4 below 1.16 (refused,
/// see `version_skew_is_refused_before_anything_changes`).
const EVERY_PAIR: [Cell; 15] = [
    cell("1.14", HELM34),
    cell("1.14", HELM35),
    cell("1.14", HELM3),
    cell("1.16", HELM34),
    cell("1.16", HELM35),
    cell("1.16", HELM3),
    cell("1.16", HELM4),
    cell("1.20", HELM34),
    cell("1.20", HELM35),
    cell("1.20", HELM3),
    cell("1.20", HELM4),
    cell("1.33", HELM34),
    cell("1.33", HELM35),
    cell("1.33", HELM3),
    cell("1.33", HELM4),
];

/// Each profile once and each helm once, old helm on old clusters as users run them.
const ONE_PER_VERSION: [Cell; 4] =
    [cell("1.14", HELM35), cell("1.16", HELM34), cell("1.20", HELM3), cell("1.33", HELM4)];

/// The cells of `matrix` to run: all, or those `DECKHAND_CELLS` names (`1.14`, `3.5.4`,
/// `1.14/3.5.4`, comma-separated), to try one version pair while working on it.
fn cells(matrix: &[Cell]) -> Vec<Cell> {
    let wanted = std::env::var("DECKHAND_CELLS").unwrap_or_default();
    let picked = |c: &Cell| {
        wanted.split(',').any(|w| [c.kubernetes, c.helm, &format!("{}/{}", c.kubernetes, c.helm)].contains(&w.trim()))
    };
    matrix.iter().copied().filter(|c| wanted.is_empty() || picked(c)).collect()
}

/// The stand-in profile for a version and, for versions between the profiles, the `gitVersion`
/// that overrides the profile's own.
fn profile(kubernetes: &'static str) -> (&'static str, Option<&'static str>) {
    match kubernetes {
        "1.14" | "1.16" | "1.20" | "1.33" => (kubernetes, None),
        "1.30" => ("1.33", Some("v1.30.4")),
        other => panic!("no stand-in profile for Kubernetes {other}"),
    }
}

/// A stand-in emulating `cell`'s Kubernetes, with the namespace `shop` and `objects`; `extra`
/// are more stand-in options (`--nodes three`, `--script FILE`, `--controller-lag-ms N`).
fn cluster_in(cell: Cell, mut objects: Vec<Value>, ready_ms: u32, extra: &[&str]) -> KubeStandin {
    objects.insert(0, namespace(NS));
    let token = Some(format!("Kube-Canary-Token-{}", std::process::id()));
    let (emulate, git_version) = profile(cell.kubernetes);
    let options = StandinOptions {
        tls: true,
        git_version,
        emulate: Some(emulate),
        extra_args: extra.iter().map(std::string::ToString::to_string).collect(),
        ready_ms,
        token,
        ..Default::default()
    };
    KubeStandin::start_with(&Value::Array(objects), options)
}

/// A stand-in whose version suits `helm`, with the namespace `shop` and `objects`.
fn cluster(helm: &Helm, objects: Vec<Value>, ready_ms: u32) -> KubeStandin {
    cluster_in(cell("1.33", helm.version), objects, ready_ms, &[])
}

/// A stand-in script (see tests/peers/standin/README.md) in a file that lives as long as the test.
fn script(steps: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), steps.to_string()).unwrap();
    file
}

/// `helm history -o json` by the real helm: what users see.
fn helm_history(kube: &KubeStandin, helm: &Helm) -> Vec<Value> {
    let mut cmd = helm.cmd();
    cmd.args(["history", RELEASE, "-n", NS, "-o", "json", "--kubeconfig"]).arg(kube.kubeconfig_file());
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "helm history: {out:?}");
    serde_json::from_str(&out.stdout).unwrap()
}

/// Every deploy carries this in a `--set-string`; no output may show it.
const PASSWORD_CANARY: &str = "Db-Canary-Pass-5e1d";

fn deploy_cmd(kube: &KubeStandin, helm: &Helm, args: &[&str]) -> Command {
    let mut cmd = step("chart-deploy");
    cmd.arg(chart()).args(["--release", RELEASE, "-n", NS]).args(args);
    cmd.args(["--set-string", &format!("db.password={PASSWORD_CANARY}")]);
    cmd.arg("--kubeconfig").arg(kube.kubeconfig_file()).arg("--helm").arg(helm.binary());
    helm.homes(&mut cmd);
    cmd
}

/// Runs a deploy, and checks that neither the kubeconfig's token nor the `--set` password shows
/// in anything it printed (every case of this file runs with these canaries).
fn deploy(kube: &KubeStandin, helm: &Helm, args: &[&str]) -> Run {
    let out = run(&mut deploy_cmd(kube, helm, args));
    for canary in [PASSWORD_CANARY, kube.token.as_str()] {
        assert!(!out.all().contains(canary), "{canary} leaked: {out:?}");
    }
    out
}

fn deployment(kube: &KubeStandin) -> Value {
    kube.find("Deployment", NS, WORKLOAD).expect("the Deployment exists")
}

fn image(kube: &KubeStandin) -> String {
    deployment(kube)["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap().to_string()
}

/// The release's revisions in the stand-in: (revision, status).
fn revisions(kube: &KubeStandin) -> Vec<(u64, String)> {
    let mut list: Vec<(u64, String)> = kube
        .objects()
        .into_iter()
        .filter(|o| o["kind"] == "Secret" && o["metadata"]["labels"]["owner"] == "helm")
        .map(|o| {
            let labels = &o["metadata"]["labels"];
            (labels["version"].as_str().unwrap().parse().unwrap(), labels["status"].as_str().unwrap().to_string())
        })
        .collect();
    list.sort();
    list
}

fn changed_anything(kube: &KubeStandin) -> bool {
    kube.requests().iter().any(|r| ["POST", "PUT", "PATCH", "DELETE"].iter().any(|m| r.starts_with(m)))
}

fn deploy_in(kube: &KubeStandin, cell: Cell, args: &[&str]) -> Run {
    let helm = Helm::new(cell.helm);
    let out = deploy(kube, &helm, args);
    eprintln!("Kubernetes {} with helm {}", cell.kubernetes, cell.helm);
    out
}

/// Install, then upgrade with more replicas, in every pair: the pre-flight renders with what each
/// helm has (`--kube-version` from 3.6, else against the cluster), metadata reads work on 1.14
/// (406 for PartialObjectMetadata v1), and each healthy revision is marked so in helm's history.
#[test]
fn install_then_upgrade_waits_until_ready_in_every_pair() {
    for cell in cells(&EVERY_PAIR) {
        let helm = Helm::new(cell.helm);
        let kube = cluster_in(cell, vec![], 300, &[]);
        let out = deploy_in(&kube, cell, &["--timeout", "60s", "--set", "imagePullSecrets[0].name=harbor-pull"]);
        assert_eq!(out.code, 3, "pre-flight finds the missing pull secret on {cell:?}: {out:?}");
        assert!(
            out.stderr.contains("imagePullSecret `harbor-pull` (used by deployment/web-web) does not exist"),
            "{out:?}"
        );

        let out = deploy_in(&kube, cell, &["--timeout", "60s"]);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(out.stdout.contains("release web in namespace shop: revision 1 is deployed"), "{out:?}");
        assert!(out.stdout.contains("chart: web 0.3.0 (app 2.0.1)"), "{out:?}");
        assert!(out.stdout.contains("deployment/web-web: 1/1 ready"), "{out:?}");
        assert!(out.stderr.contains("waiting for 1 workload to be ready, at most 1m"), "{out:?}");
        assert!(kube.timeline().iter().any(|l| l.contains("pod-ready shop/web-web-")), "a pod really turned ready");

        let args = ["--timeout", "60s", "--replicas", "3", "--set", "image.tag=ready-after-100", "--output", "json"];
        let out = deploy_in(&kube, cell, &args);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        let report: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!((report["revision"].as_u64(), report["status"].as_str()), (Some(2), Some("deployed")));
        assert_eq!(
            report["workloads"][0],
            json!({"kind": "Deployment", "name": WORKLOAD, "ready": 3, "desired": 3, "done": true})
        );
        assert_eq!(deployment(&kube)["spec"]["replicas"], 3, "--replicas reached the Deployment");
        assert!(out.stderr.contains("deployment/web-web: 3/3 ready"), "progress lines: {out:?}");
        assert_eq!(revisions(&kube), [(1, "superseded".into()), (2, "deployed".into())]);
        let history = helm_history(&kube, &helm);
        assert!(
            history
                .iter()
                .all(|r| r["description"].as_str().unwrap().contains("chart-deploy: all workloads were ready")),
            "helm's own history shows both verified: {history:?}"
        );
    }
}

/// The release history tells the truth, and `--atomic` goes back to the last revision that was
/// seen healthy, in every pair: revision 1 is verified, revision 2 (a crashing image deployed
/// without waiting) is not, revision 3 fails with `--atomic` and no `--timeout` (which waits, as
/// helm's --atomic does): it is recorded failed in helm's own history, and the rollback goes to 1,
/// not to the broken 2.
#[test]
fn atomic_rolls_back_to_the_last_verified_revision_in_every_pair() {
    for cell in cells(&EVERY_PAIR) {
        let helm = Helm::new(cell.helm);
        let kube = cluster_in(cell, vec![], 200, &[]);
        assert_eq!(deploy_in(&kube, cell, &["--timeout", "60s"]).code, 0);
        let out = deploy_in(&kube, cell, &["--set", "image.tag=crash"]);
        assert_eq!(out.code, 0, "not waited for: {out:?}");

        let out = deploy_in(&kube, cell, &["--atomic", "--grace", "1s", "--set", "image.tag=crash"]);
        assert_eq!(out.code, 7, "{cell:?}: {out:?}");
        assert!(out.stderr.contains("--atomic without --timeout: waiting at most 5m"), "{out:?}");
        assert!(out.stderr.contains("is in CrashLoopBackOff"), "{out:?}");
        assert!(out.stderr.contains("revision 3 is recorded failed"), "{out:?}");
        assert!(out.stderr.contains("--atomic: rolled back to revision 1"), "{out:?}");
        assert_eq!(image(&kube), "registry.example/shop/web:ready", "back on the good image");
        let history = helm_history(&kube, &helm);
        let statuses: Vec<&str> = history.iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["superseded", "superseded", "failed", "deployed"], "{history:?}");
        assert!(history[2]["description"].as_str().unwrap().contains("chart-deploy: the rollout failed"));
    }
}

#[test]
fn first_install_failure_with_atomic_uninstalls() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 200);
    let out = deploy(&kube, &helm, &["--timeout", "60s", "--set", "image.tag=pull-missing", "--atomic"]);
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.contains("--atomic: the failed first install was uninstalled"), "{out:?}");
    assert!(kube.find("Deployment", NS, WORKLOAD).is_none());
    assert!(revisions(&kube).is_empty(), "no release left: {:?}", revisions(&kube));
}

#[test]
fn without_timeout_it_does_not_wait() {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, vec![], 60_000, &[]);
        let out = deploy_in(&kube, cell, &[]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("deployment/web-web: 0/1 ready"), "{out:?}");
        assert!(out.stdout.contains("not waited for (no --timeout)"), "{out:?}");
        assert!(!out.stderr.contains("waiting for"), "{out:?}");
    }
}

#[test]
fn timeout_zero_waits_as_long_as_it_takes() {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, vec![], 300, &[]);
        let out = deploy_in(&kube, cell, &["--timeout", "0", "--set", "image.tag=ready-after-2500"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains("with no time limit"), "{out:?}");
        assert!(out.stdout.contains("deployment/web-web: 1/1 ready"), "{out:?}");
    }
}

#[test]
fn a_duration_that_runs_out_is_a_rollout_failure() {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, vec![], 300, &[]);
        let out = deploy_in(&kube, cell, &["--timeout", "2s", "--set", "image.tag=never"]);
        assert_eq!(out.code, 7, "{out:?}");
        assert!(out.stderr.contains("were not ready within 2s: deployment/web-web: 0/1 ready"), "{out:?}");
        assert!(out.stderr.contains("raise --timeout"), "{out:?}");
        assert_eq!(revisions(&kube), [(1, "failed".into())], "a timed-out rollout is recorded failed");
    }
}

/// A failed pull is seen as ErrImagePull or, once the kubelet backs off, as ImagePullBackOff:
/// which of the two the watch sees first depends on how quickly it starts, on a real cluster too.
const PULL_FAILED: &str = "ErrImagePull|ImagePullBackOff";

/// Deploys with `args` and a generous timeout and grace period in every [`ONE_PER_VERSION`] cell:
/// the failure is final, so it must come at once, from the diagnosis, naming `reason`
/// (alternatives separated by `|`) and `hints`.
fn fails_at_once(objects: &[Value], args: &[&str], reason: &str, hints: &[&str]) {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, objects.to_vec(), 200, &["--nodes", "three"]);
        let mut all = vec!["--timeout", "10m", "--grace", "10m"];
        all.extend(args);
        let out = deploy_in(&kube, cell, &all);
        assert_eq!(out.code, 7, "{cell:?}: {out:?}");
        assert!(reason.split('|').any(|one| out.stderr.contains(&format!("is in {one}"))), "{out:?}");
        assert!(!out.stderr.contains("not ready within"), "it did not wait out the timeout: {out:?}");
        assert!(!out.stderr.contains("clusters often recover"), "nothing was waited out: {out:?}");
        for hint in hints {
            assert!(out.stderr.contains(hint), "missing {hint:?}: {out:?}");
        }
    }
}

/// A failure real clusters recover from: it is waited out for `--grace` (1s here), said so in a
/// progress line, and only then fails the deploy.
fn fails_after_grace(objects: &[Value], args: &[&str], reason: &str, hints: &[&str]) {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, objects.to_vec(), 200, &["--nodes", "three"]);
        let mut all = vec!["--timeout", "10m", "--grace", "1s"];
        all.extend(args);
        let out = deploy_in(&kube, cell, &all);
        assert_eq!(out.code, 7, "{cell:?}: {out:?}");
        assert!(
            out.stderr.contains(&format!(": {reason}; clusters often recover from this, waiting up to 1s")),
            "{out:?}"
        );
        assert!(out.stderr.contains(&format!("{reason} lasted longer than the grace period (1s)")), "{out:?}");
        for hint in hints {
            assert!(out.stderr.contains(hint), "missing {hint:?}: {out:?}");
        }
    }
}

/// A state that real clusters recover from, which recovers within the (default) grace period:
/// the deploy succeeds, and the progress lines said what was waited out.
fn recovers(objects: &[Value], extra: &[&str], args: &[&str], reason: &str) {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, objects.to_vec(), 200, extra);
        let mut all = vec!["--timeout", "2m"];
        all.extend(args);
        let out = deploy_in(&kube, cell, &all);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(out.stderr.contains(&format!("{reason}; clusters often recover from this")), "{out:?}");
        assert!(out.stderr.contains(&format!("recovered from {reason}")), "{out:?}");
    }
}

#[test]
fn image_not_found() {
    fails_at_once(
        &[],
        &["--set", "image.tag=pull-missing"],
        PULL_FAILED,
        &[
            "Failed: Failed to pull image \"registry.example/shop/web:pull-missing\"",
            "hint: image not found in registry: `registry.example/shop/web:pull-missing` does not exist",
        ],
    );
}

#[test]
fn pull_secret_missing_at_pull_time() {
    // --no-preflight: the pre-flight would have caught the missing secret before helm ran.
    let args = ["--no-preflight", "--set", "image.tag=pull-denied", "--set", "imagePullSecrets[0].name=harbor-pull"];
    fails_at_once(
        &[],
        &args,
        PULL_FAILED,
        &[
            "pull access denied",
            "hint: imagePullSecret `harbor-pull` does not exist in namespace `shop`",
            "pull-secret harbor-pull -n shop",
        ],
    );
}

#[test]
fn pull_refused_with_a_secret_in_place() {
    let secret = json!({"kind": "Secret", "metadata": {"name": "harbor-pull", "namespace": NS},
                        "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "e30="}});
    let args = ["--set", "image.tag=pull-denied", "--set", "imagePullSecrets[0].name=harbor-pull"];
    fails_at_once(&[secret], &args, PULL_FAILED, &["hint: the registry refused to give"]);
}

#[test]
fn image_never_pulled_and_invalid_image_names_are_final() {
    fails_at_once(&[], &["--set", "image.tag=pull-never"], "ErrImageNeverPull", &["imagePullPolicy"]);
    fails_at_once(
        &[],
        &["--set", "image.repository=Registry.example/Shop/web"],
        "InvalidImageName",
        &["is not a valid image reference"],
    );
}

#[test]
fn progress_deadline() {
    fails_at_once(
        &[],
        &["--set", "image.tag=unready", "--set", "progressDeadlineSeconds=2"],
        "ProgressDeadlineExceeded",
        &["has timed out progressing", "made no progress within its progressDeadlineSeconds"],
    );
}

/// A Job's failed pods are retried with back-off up to its backoffLimit: only the Job's own
/// `Failed` condition ends the wait.
#[test]
fn failed_job() {
    fails_at_once(
        &[],
        &["--set", "job.enabled=true", "--set", "job.tag=job-fail", "--set", "job.backoffLimit=2"],
        "BackoffLimitExceeded",
        &["job web-migrate", "Job has reached the specified backoff limit", "| fatal: cannot connect to database"],
    );
}

#[test]
fn a_job_that_fails_once_then_succeeds_is_no_failure() {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, vec![], 200, &[]);
        let args = [
            "--timeout",
            "2m",
            "--set",
            "job.enabled=true",
            "--set",
            "job.tag=job-fail-once",
            "--set",
            "job.backoffLimit=3",
        ];
        let out = deploy_in(&kube, cell, &args);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(out.stdout.contains("job/web-migrate: complete"), "{out:?}");
    }
}

#[test]
fn crash_loop_shows_the_log() {
    fails_after_grace(
        &[],
        &["--set", "image.tag=crash"],
        "CrashLoopBackOff",
        &[
            "last exit: code 1 (Error)",
            "BackOff: Back-off restarting failed container",
            "| fatal: cannot connect to database db:5432: connection refused",
            "exits with code 1",
        ],
    );
}

#[test]
fn out_of_memory() {
    fails_after_grace(
        &[],
        &["--set", "image.tag=oom"],
        "CrashLoopBackOff",
        &["code 137 (OOMKilled)", "raise resources.limits.memory"],
    );
}

#[test]
fn missing_config_secret() {
    fails_after_grace(
        &[],
        &["--set", "envFromSecret=app-env"],
        "CreateContainerConfigError",
        &["secret \"app-env\" not found", "hint: secret `app-env` does not exist in namespace `shop`"],
    );
}

/// Three nodes (a tainted control plane, two workers with pods already on them): the hint counts
/// what runs there and leaves the tainted node out.
#[test]
fn unschedulable_says_how_much_is_missing() {
    fails_after_grace(
        &[],
        &["--set", "resources.requests.cpu=2"],
        "Unschedulable",
        &[
            "FailedScheduling: 0/3 nodes are available",
            "Insufficient cpu",
            "hint: insufficient cpu: the pod requests 2, and the most any node that may take it has free is",
        ],
    );
}

#[test]
fn quota_refusal() {
    let quota = json!({"kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": NS},
                       "spec": {"hard": {"requests.cpu": "1"}}});
    fails_after_grace(&[quota], &["--replicas", "2", "--set", "resources.requests.cpu=600m"], "FailedCreate", &[
        "exceeded quota: compute",
        "hint: the namespace's ResourceQuota `compute` is full (requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1)",
    ]);
}

#[test]
fn a_claim_that_binds_later_is_waited_out() {
    let args = [
        "--set",
        "persistence.create=true",
        "--set",
        "persistence.claim=data",
        "--set",
        "persistence.bindAfterMs=2500",
    ];
    recovers(&[], &[], &args, "Unschedulable");
}

#[test]
fn a_quota_that_frees_up_is_waited_out() {
    let quota = |cpu: &str| json!({"kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": NS}, "spec": {"hard": {"requests.cpu": cpu}}});
    let later = script(
        &json!([{"after_ms": 2500, "since": "created Deployment shop/web-web", "do": "put", "object": quota("2")}]),
    );
    let extra = ["--script", later.path().to_str().unwrap()];
    recovers(&[quota("1")], &extra, &["--replicas", "2", "--set", "resources.requests.cpu=600m"], "FailedCreate");
}

#[test]
fn a_secret_that_appears_later_is_waited_out() {
    let secret = json!({"kind": "Secret", "metadata": {"name": "app-env", "namespace": NS}, "data": {"A": "Yg=="}});
    let later =
        script(&json!([{"after_ms": 2500, "since": "created Deployment shop/web-web", "do": "put", "object": secret}]));
    let extra = ["--script", later.path().to_str().unwrap()];
    recovers(&[], &extra, &["--set", "envFromSecret=app-env"], "CreateContainerConfigError");
}

#[test]
fn a_crash_until_a_dependency_is_up_is_waited_out() {
    let args = [
        "--set",
        "image.tag=crash-until-db",
        "--set",
        "dependency.enabled=true",
        "--set",
        "dependency.tag=ready-after-3000",
    ];
    recovers(&[], &[], &args, "CrashLoopBackOff");
}

#[test]
fn a_pull_failing_on_the_network_is_waited_out() {
    recovers(&[], &[], &["--set", "image.tag=pull-flaky-2500"], "ErrImagePull");
}

/// The watches expire mid-wait (timed from the wait's first watch, so a slow helm on a loaded
/// machine cannot make them expire before it) and the resume is refused with 410 Gone "too old resource version"
/// (whose digits are resourceVersions, here ones that contain "403"): the wait relists and goes
/// on, it is no permission error.
#[test]
fn a_410_during_the_wait_is_resumed() {
    for cell in cells(&ONE_PER_VERSION) {
        let expire = script(&json!([
            {"after_ms": 300, "since": "watch Deployment", "do": "compact"},
            {"after_ms": 400, "since": "watch Deployment", "do": "close-watches"}
        ]));
        let extra = ["--script", expire.path().to_str().unwrap(), "--initial-resource-version", "1403000"];
        let kube = cluster_in(cell, vec![], 3000, &extra);
        let out = deploy_in(&kube, cell, &["--timeout", "60s", "-v"]);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(out.stderr.contains("too old resource version"), "the 410 really happened: {out:?}");
        assert!(out.stdout.contains("deployment/web-web: 1/1 ready"), "{out:?}");
    }
}

/// A slow Deployment controller: the upgrade from a revision whose image does not exist (a final
/// failure) to a good one is judged on the new generation only; until the controller has observed
/// it, the Deployment's status and newest ReplicaSet are the previous revision's, whose pod is not
/// blamed, and `--atomic` does not roll back a good release.
#[test]
fn the_previous_generation_is_not_blamed() {
    for cell in cells(&ONE_PER_VERSION) {
        let kube = cluster_in(cell, vec![], 200, &["--controller-lag-ms", "1500"]);
        assert_eq!(deploy_in(&kube, cell, &["--set", "image.tag=pull-missing"]).code, 0);
        let pulling = |kube: &KubeStandin| {
            kube.objects().iter().any(|o| {
                o["kind"] == "Pod"
                    && o.to_string().contains("ImagePullBackOff")
                    && o.to_string().contains("pull-missing")
            })
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !pulling(&kube) {
            assert!(std::time::Instant::now() < deadline, "the first revision's pod never failed its pull");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let out = deploy_in(&kube, cell, &["--timeout", "60s", "--atomic"]);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(!out.stderr.contains("ImagePull"), "{out:?}");
        assert_eq!(image(&kube), "registry.example/shop/web:ready");
    }
}

/// A release installed without helm 3.2+'s ownership metadata (helm 2, helm 3.0/3.1, 2to3): its
/// own resources are upgraded, as helm does; a resource outside it is still flagged.
#[test]
fn a_release_without_ownership_metadata_is_upgraded() {
    for cell in cells(&ONE_PER_VERSION) {
        let first = cluster_in(cell, vec![], 100, &[]);
        assert_eq!(deploy_in(&first, cell, &["--timeout", "60s"]).code, 0);
        let installed = first.find("Secret", NS, "sh.helm.release.v1.web.v1").unwrap();
        let mut objects: Vec<Value> = first
            .objects()
            .into_iter()
            .filter(|o| ["Service", "Deployment"].contains(&o["kind"].as_str().unwrap()))
            .map(|mut o| {
                let meta = o["metadata"].as_object_mut().unwrap();
                meta.retain(|k, _| ["name", "namespace"].contains(&k.as_str()));
                o.as_object_mut().unwrap().remove("status");
                o
            })
            .collect();
        objects.push(release_secret(&release_body(&installed), 1, "deployed"));
        let kube = cluster_in(cell, objects, 100, &[]);
        let out = deploy_in(&kube, cell, &["--timeout", "60s", "--replicas", "2"]);
        assert_eq!(out.code, 0, "{cell:?}: {out:?}");
        assert!(out.stdout.contains("revision 2 is deployed"), "{out:?}");
    }
}

#[test]
fn preflight_names_every_problem_and_changes_nothing() {
    let taken_port = json!({"kind": "Service", "metadata": {"name": "api", "namespace": "other"},
                            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}});
    let foreign = json!({"kind": "Deployment", "metadata": {"name": WORKLOAD, "namespace": NS},
                         "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}},
                                  "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "x", "image": "x:ready"}]}}}});
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![namespace("other"), taken_port, foreign], 200);
    let args = [
        "--set",
        "service.type=NodePort",
        "--set",
        "service.nodePort=30080",
        "--set",
        "imagePullSecrets[0].name=harbor-pull",
    ];
    let out = deploy(&kube, &helm, &args);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("pre-flight found 3 problems; nothing was changed"), "{out:?}");
    assert!(
        out.stderr
            .contains("imagePullSecret `harbor-pull` (used by deployment/web-web) does not exist in namespace `shop`"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("nodePort 30080 of service/web-web is already allocated to service other/api"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("deployment/web-web already exists in namespace shop and belongs to no helm release"),
        "{out:?}"
    );
    assert!(out.stderr.contains("meta.helm.sh/release-name=web"), "the fix is spelled out: {out:?}");
    assert!(!changed_anything(&kube), "{:?}", kube.requests());

    // Without the pre-flight, the API server refuses the port half-way, and the error says why.
    let taken_port = json!({"kind": "Service", "metadata": {"name": "api", "namespace": "other"},
                            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}});
    let kube = cluster(&helm, vec![namespace("other"), taken_port], 200);
    let out =
        deploy(&kube, &helm, &["--no-preflight", "--set", "service.type=NodePort", "--set", "service.nodePort=30080"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("provided port is already allocated"), "{out:?}");
    assert!(out.stderr.contains("choose a free one"), "{out:?}");
}

/// The release body helm stores: base64(gzip(JSON)) in the Secret's data (base64 again).
fn release_body(secret: &Value) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    let once = b64.decode(secret["data"]["release"].as_str().unwrap()).unwrap();
    let gz = b64.decode(once).unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut json).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn release_secret(body: &Value, revision: u64, status: &str) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut body = body.clone();
    body["version"] = json!(revision);
    body["info"]["status"] = json!(status);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, body.to_string().as_bytes()).unwrap();
    let data = b64.encode(b64.encode(gz.finish().unwrap()));
    json!({"kind": "Secret", "type": "helm.sh/release.v1",
           "metadata": {"name": format!("sh.helm.release.v1.{RELEASE}.v{revision}"), "namespace": NS,
                        "labels": {"name": RELEASE, "owner": "helm", "status": status, "version": revision.to_string()}},
           "data": {"release": data}})
}

/// A cluster where the release's newest revision is stuck in `status` (a helm run SIGKILLed
/// mid-operation), made from a real install.
fn stuck_cluster(helm: &Helm, status: &str) -> KubeStandin {
    let first = cluster(helm, vec![], 100);
    assert_eq!(deploy(&first, helm, &["--timeout", "60s"]).code, 0);
    let installed = first.find("Secret", NS, "sh.helm.release.v1.web.v1").unwrap();
    let body = release_body(&installed);
    let mut objects: Vec<Value> = first
        .objects()
        .into_iter()
        .filter(|o| ["Service", "Deployment"].contains(&o["kind"].as_str().unwrap()))
        .map(|mut o| {
            o["metadata"]
                .as_object_mut()
                .unwrap()
                .retain(|k, _| ["name", "namespace", "labels", "annotations"].contains(&k.as_str()));
            o.as_object_mut().unwrap().remove("status");
            o
        })
        .collect();
    if status == "pending-install" {
        objects.push(release_secret(&body, 1, status));
    } else {
        objects.push(release_secret(&body, 1, "deployed"));
        objects.push(release_secret(&body, 2, status));
    }
    cluster(helm, objects, 100)
}

#[test]
fn pending_upgrade_is_explained_then_recovered() {
    let helm = Helm::new(HELM3);
    let kube = stuck_cluster(&helm, "pending-upgrade");
    let out = deploy(&kube, &helm, &["--timeout", "60s"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("release web in namespace shop is stuck in pending-upgrade (revision 2)"), "{out:?}");
    assert!(out.stderr.contains("--recover-pending: it rolls back to revision 1"), "{out:?}");
    assert!(!changed_anything(&kube), "{:?}", kube.requests());

    let out = deploy(&kube, &helm, &["--timeout", "60s", "--recover-pending"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("recovered release web: rolled back to revision 1"), "{out:?}");
    assert!(out.stdout.contains("revision 4 is deployed"), "{out:?}");
}

#[test]
fn pending_first_install_is_removed_then_installed() {
    let helm = Helm::new(HELM3);
    let kube = stuck_cluster(&helm, "pending-install");
    let out = deploy(&kube, &helm, &["--timeout", "60s"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("the first install never finished"), "{out:?}");

    let out = deploy(&kube, &helm, &["--timeout", "60s", "--recover-pending"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("removed the pending revision 1 of its unfinished first install"), "{out:?}");
    assert!(out.stdout.contains("revision 1 is deployed"), "{out:?}");
    assert!(kube.requests().contains(&"DELETE /api/v1/namespaces/shop/secrets/sh.helm.release.v1.web.v1".to_string()));
}

#[test]
fn missing_namespace_then_created() {
    let helm = Helm::new(HELM3);
    let kube = KubeStandin::start_with(&json!([]), StandinOptions { tls: true, ..Default::default() });
    let out = deploy(&kube, &helm, &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("namespace shop does not exist") && out.stderr.contains("--create-namespace"),
        "{out:?}"
    );
    let out = deploy(&kube, &helm, &["--create-namespace", "--timeout", "60s"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("namespace shop created"), "{out:?}");
}

#[test]
fn dry_run_changes_nothing() {
    let helm = Helm::new(HELM4);
    let kube = cluster(&helm, vec![], 100);
    let out = deploy(&kube, &helm, &["--dry-run", "--replicas", "2", "--timeout", "1m"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("would be deployed (dry run)"), "{out:?}");
    assert!(out.stdout.contains("deployment/web-web: 2 replicas planned"), "{out:?}");
    assert!(!changed_anything(&kube), "{:?}", kube.requests());
}

/// helm refuses no cluster version, so neither does chart-deploy, except where it cannot work:
/// helm 4's server-side apply below 1.16. Outside helm's published range is a warning.
#[test]
fn version_skew_is_refused_before_anything_changes() {
    let kube = cluster_in(cell("1.14", HELM4), vec![], 100, &[]);
    let out = deploy(&kube, &Helm::new(HELM4), &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("helm 4.1.4 does not support Kubernetes 1.14"), "{out:?}");
    assert!(!changed_anything(&kube));

    let out = deploy(&cluster_in(cell("1.14", HELM3), vec![], 100, &[]), &Helm::new(HELM3), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("warning: helm 3.17.3 is made for Kubernetes 1.29 to 1.32; the cluster runs 1.14"),
        "{out:?}"
    );
    let kube = cluster_in(cell("1.16", HELM34), vec![], 100, &[]);
    let out = deploy(&kube, &Helm::new(HELM34), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("warning"), "helm 3.4 is made for 1.16: {out:?}");
}

/// An agent image with `helm` (4.1.4), `helm3` (3.17.3) and `helm3.4` (3.4.2) on PATH, no
/// --helm: for Kubernetes 1.30, outside helm 4.1's tested range, helm3 is used and the choice
/// said; for 1.16, which helm 4 cannot drive, the helm made for it.
#[test]
fn the_helm_on_path_that_suits_the_cluster_is_chosen() {
    let (helm4, helm3, helm34) = (Helm::new(HELM4), Helm::new(HELM3), Helm::new(HELM34));
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(helm4.binary(), bin.path().join("helm")).unwrap();
    std::os::unix::fs::symlink(helm3.binary(), bin.path().join("helm3")).unwrap();
    std::os::unix::fs::symlink(helm34.binary(), bin.path().join("helm3.4")).unwrap();
    let by_path = |kube: &KubeStandin| {
        let mut cmd = step("chart-deploy");
        cmd.arg(chart()).args(["--release", RELEASE, "-n", NS, "--output", "json"]);
        cmd.arg("--kubeconfig").arg(kube.kubeconfig_file()).env("PATH", bin.path());
        helm3.homes(&mut cmd);
        run(&mut cmd)
    };
    let chosen = |out: &Run, name: &str, version: &str, cluster: &str| {
        let said = format!(
            "using {} ({version}) for Kubernetes {cluster}: it suits that version better than {} (4.1.4)",
            bin.path().join(name).display(),
            bin.path().join("helm").display()
        );
        assert!(out.stderr.contains(&said), "{out:?}");
        assert_eq!(serde_json::from_str::<Value>(&out.stdout).unwrap()["helm"], version, "{out:?}");
    };

    let kube = cluster_in(cell("1.30", HELM3), vec![], 100, &[]);
    let out = by_path(&kube);
    assert_eq!(out.code, 0, "{out:?}");
    chosen(&out, "helm3", "3.17.3", "v1.30.4");
    assert_eq!(revisions(&kube).len(), 1, "installed");

    let old = cluster_in(cell("1.16", HELM34), vec![], 100, &[]);
    let out = by_path(&old);
    assert_eq!(out.code, 0, "{out:?}");
    chosen(&out, "helm3.4", "3.4.2", "v1.16.15");
}

#[test]
fn wrong_credentials_and_unreachable_server() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 100);
    let kubeconfig = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(kubeconfig.path(), kube.kubeconfig("not-the-token")).unwrap();
    let out = run(step("chart-deploy")
        .arg(chart())
        .args(["--release", RELEASE, "-n", NS, "--helm"])
        .arg(helm.binary())
        .arg("--kubeconfig")
        .arg(kubeconfig.path()));
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("HTTP 401"), "{out:?}");

    let port = free_port();
    std::fs::write(kubeconfig.path(), kube.kubeconfig("x").replace(&kube.port.to_string(), &port.to_string())).unwrap();
    let out = run(step("chart-deploy")
        .arg(chart())
        .args(["--release", RELEASE, "-n", NS, "--helm"])
        .arg(helm.binary())
        .arg("--kubeconfig")
        .arg(kubeconfig.path()));
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains(&format!("https://127.0.0.1:{port}")), "names the server: {out:?}");
}

#[test]
fn bad_input_is_refused_with_advice() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 100);
    let missing = deploy_cmd(&kube, &helm, &["-f", "/nonexistent/values.yaml"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("the values file /nonexistent/values.yaml does not exist")
    );
    let out = deploy(&kube, &helm, &["--timeout", "soon"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--timeout \"soon\" is not a duration"), "{out:?}");
    let out = run(step("chart-deploy").args(["/nonexistent/chart", "--release", "web", "-n", "shop"]));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("the chart /nonexistent/chart does not exist"), "{out:?}");
    let out = run(step("chart-deploy").arg(chart()).args(["--release", "Web_1", "-n", NS]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("the release name \"Web_1\" is not valid"), "{out:?}");
    assert!(!changed_anything(&kube));
}

/// Every secret of a run (the kubeconfig content with its token, a --set password) stays out of
/// every output, also when helm fails and when the rollout is diagnosed; the temporary
/// kubeconfig handed to helm is gone afterwards.
#[test]
fn secrets_never_printed_and_temp_kubeconfig_removed() {
    let helm = Helm::new(HELM3);
    let token = "Kube-Canary-Token-7f3a9c";
    let password = "Db-Canary-Pass-91b2";
    let kube = KubeStandin::start_with(
        &json!([namespace(NS)]),
        StandinOptions { tls: true, token: Some(token.into()), ..Default::default() },
    );
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--timeout", "60s", "--grace", "1s", "--set", "image.tag=crash", "-v"][..],
        &["--timeout", "60s", "-v", "--set-string", "image=not-a-map"][..],
        &["-v", "--output", "json"][..],
    ] {
        let mut cmd = step("chart-deploy");
        cmd.arg(chart()).args(["--release", RELEASE, "-n", NS, "--helm"]).arg(helm.binary());
        cmd.args(args).args(["--set", &format!("db.password={password}")]);
        cmd.env("KUBECONFIG_CONTENT", kube.kubeconfig(token)).env_remove("KUBECONFIG").env("TMPDIR", tmp.path());
        helm.homes(&mut cmd);
        let out = run(&mut cmd);
        assert!([0, 3, 7].contains(&out.code), "{out:?}");
        for secret in [token, password] {
            assert!(!out.all().contains(secret), "{secret} leaked: {out:?}");
        }
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }
    // The password really went into the release (so the redaction had something to hide).
    let env = &deployment(&kube)["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(env["value"], password);
}

/// A Jenkins abort (SIGTERM) during the wait stops the step with 130 and still removes the
/// temporary kubeconfig.
#[test]
fn sigterm_during_the_wait() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 100);
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = step("chart-deploy");
    cmd.arg(chart()).args(["--release", RELEASE, "-n", NS, "--timeout", "0", "--set", "image.tag=never", "--helm"]);
    cmd.arg(helm.binary()).env("KUBECONFIG_CONTENT", kube.kubeconfig(&kube.token)).env_remove("KUBECONFIG");
    cmd.env("TMPDIR", tmp.path()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    helm.homes(&mut cmd);
    let child = cmd.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !kube.requests().iter().any(|r| r.starts_with("GET /api/v1/namespaces/shop/pods")) {
        assert!(std::time::Instant::now() < deadline, "the wait never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(std::fs::read_dir(tmp.path()).unwrap().count() > 0, "the temporary kubeconfig exists meanwhile");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("stopped by SIGTERM while waiting for the rollout"), "{stderr}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "the temporary kubeconfig is removed");
}

/// SIGTERM or SIGINT while the cluster accepts the connection and never answers: the step stops
/// at once with 130 (not after --kube-timeout) and the temporary kubeconfig is removed.
#[test]
fn a_signal_ends_a_cluster_call_that_never_answers() {
    let helm = Helm::new(HELM3);
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        let mut server = interrupt::SilentServer::start();
        let tmp = tempfile::tempdir().unwrap();
        let mut cmd = step("chart-deploy");
        cmd.arg(chart()).args(["--release", RELEASE, "-n", NS, "--kube-timeout", "10m", "--helm"]).arg(helm.binary());
        cmd.env("KUBECONFIG_CONTENT", interrupt::kubeconfig(&format!("http://127.0.0.1:{}", server.port)));
        cmd.env_remove("KUBECONFIG").env("TMPDIR", tmp.path());
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        helm.homes(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        server.wait_for_client();
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "the temporary kubeconfig exists meanwhile");
        interrupt::signal(&child, signal);
        let out = interrupt::wait_with_deadline(&mut child);
        assert_eq!(out.code, 130, "{name}: {out:?}");
        assert!(out.stderr.contains(&format!("stopped by {name}")), "{name}: {out:?}");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "{name}: the temporary kubeconfig is removed");
    }
}

/// A signal while helm runs is passed on to helm at once (helm gets to clean up), and the step
/// still ends with 130 and removes the temporary kubeconfig. The helm here is the real one for
/// `version`, and one that waits for a signal for `template` (the pre-flight render).
#[test]
fn a_signal_while_helm_runs_is_passed_on_to_helm() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 100);
    let dir = tempfile::tempdir().unwrap();
    let (tmp, marks) = (dir.path().join("tmp"), dir.path().join("marks"));
    std::fs::create_dir(&tmp).unwrap();
    let wrapper = dir.path().join("helm");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" != template ]; then exec {real} \"$@\"; fi\ntrap 'echo got-$SIG >> {marks}; exit 1' TERM INT\necho started >> {marks}\nwhile :; do sleep 1; done\n",
        real = helm.binary().display(),
        marks = marks.display()
    );
    std::fs::write(&wrapper, script.replace("$SIG", "signal")).unwrap();
    std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = step("chart-deploy");
    cmd.arg(chart()).args(["--release", RELEASE, "-n", NS, "--helm"]).arg(&wrapper);
    cmd.env("KUBECONFIG_CONTENT", kube.kubeconfig(&kube.token)).env_remove("KUBECONFIG").env("TMPDIR", &tmp);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    helm.homes(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    let deadline = std::time::Instant::now() + interrupt::DEADLINE;
    while !std::fs::read_to_string(&marks).unwrap_or_default().contains("started") {
        assert!(std::time::Instant::now() < deadline, "helm template never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    interrupt::signal(&child, libc::SIGTERM);
    let out = interrupt::wait_with_deadline(&mut child);
    assert_eq!(out.code, 130, "{out:?}");
    assert!(out.stderr.contains("stopped by SIGTERM"), "{out:?}");
    assert!(std::fs::read_to_string(&marks).unwrap().contains("got-signal"), "helm was told");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the temporary kubeconfig is removed");
}

/// helm 4 applies server-side (`fieldManager=helm`, `force=false`): a field another manager has
/// changed since (`kubectl edit`, `kubectl scale`, an autoscaler) conflicts, and the error says
/// how to take it over; `--helm-arg=--force-conflicts` does.
#[test]
fn a_server_side_apply_conflict_says_how_to_take_the_field() {
    let cell = cell("1.33", HELM4);
    let kube = cluster_in(cell, vec![], 100, &[]);
    assert_eq!(deploy_in(&kube, cell, &["--timeout", "60s"]).code, 0);
    let mut edit = Command::new(peers_bin().join(format!("kubectl-for-helm-{HELM4}")));
    edit.args(["patch", "deployment", WORKLOAD, "-n", NS, "--type", "merge", "-p", r#"{"spec":{"replicas":2}}"#]);
    edit.args(["--field-manager", "kubectl-edit", "--kubeconfig"]).arg(kube.kubeconfig_file());
    let edited = run(&mut edit);
    assert_eq!(edited.code, 0, "{edited:?}");

    let out = deploy_in(&kube, cell, &["--timeout", "60s", "--replicas", "3"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains(r#"conflict with "kubectl-edit""#), "{out:?}");
    assert!(out.stderr.contains("--helm-arg=--force-conflicts"), "{out:?}");
    let out = deploy_in(&kube, cell, &["--timeout", "60s", "--replicas", "3", "--helm-arg=--force-conflicts"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(deployment(&kube)["spec"]["replicas"], 3);
}

/// `HELM_DRIVER=configmap`: helm keeps the release in ConfigMaps, and chart-deploy reads and
/// records there too (a failed rollout recorded failed, as `helm history` then shows).
#[test]
fn releases_kept_in_configmaps_are_read_and_recorded() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 100);
    let with_driver = |args: &[&str]| run(deploy_cmd(&kube, &helm, args).env("HELM_DRIVER", "configmap"));
    assert_eq!(with_driver(&["--timeout", "60s"]).code, 0);
    let out = with_driver(&["--timeout", "2s", "--set", "image.tag=never"]);
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.contains("revision 2 is recorded failed"), "{out:?}");
    let stored: Vec<(String, String)> = kube
        .objects()
        .into_iter()
        .filter(|o| o["kind"] == "ConfigMap" && o["metadata"]["labels"]["owner"] == "helm")
        .map(|o| {
            let labels = &o["metadata"]["labels"];
            (labels["version"].as_str().unwrap().to_string(), labels["status"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(stored, [("1".into(), "superseded".into()), ("2".into(), "failed".into())]);
    assert!(revisions(&kube).is_empty(), "no release Secrets");
    let mut history = helm.cmd();
    history.args(["history", RELEASE, "-n", NS, "-o", "json", "--kubeconfig"]).arg(kube.kubeconfig_file());
    let history = run(history.env("HELM_DRIVER", "configmap"));
    assert!(history.stdout.contains(r#""status":"failed""#), "{history:?}");
}

/// Jenkins exports job parameters as environment variables: unrelated `TIMEOUT`, `NAMESPACE`,
/// `RELEASE_NAME` and `REPLICAS` change nothing (the step reads `DECKHAND_*` and helm's own
/// `HELM_NAMESPACE`).
#[test]
fn generic_environment_names_change_nothing() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![namespace("other")], 100);
    let mut cmd = deploy_cmd(&kube, &helm, &[]);
    cmd.env("TIMEOUT", "1").env("NAMESPACE", "other").env("RELEASE_NAME", "x").env("REPLICAS", "9");
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("release web in namespace shop"), "{out:?}");
    assert!(out.stdout.contains("not waited for"), "{out:?}");
    assert_eq!(deployment(&kube)["spec"]["replicas"], 1);
    let mut cmd = step("chart-deploy");
    cmd.arg(chart()).args(["--kubeconfig"]).arg(kube.kubeconfig_file()).arg("--helm").arg(helm.binary());
    cmd.env("HELM_NAMESPACE", "other").env("DECKHAND_RELEASE", "api").env("DECKHAND_TIMEOUT", "60s");
    helm.homes(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("release api in namespace other") && out.stdout.contains("ready after"), "{out:?}");
}

/// The variables that choose a run's language: each language test sets its own and clears the
/// others, whatever the developer's shell has.
const LANGUAGE_VARS: [&str; 5] = ["DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"];

/// [`deploy`] with the language variables cleared, then `LANG=lang` when given.
fn deploy_with_lang(kube: &KubeStandin, helm: &Helm, lang: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = deploy_cmd(kube, helm, args);
    for var in LANGUAGE_VARS {
        cmd.env_remove(var);
    }
    if let Some(lang) = lang {
        cmd.env("LANG", lang);
    }
    let out = run(&mut cmd);
    for canary in [PASSWORD_CANARY, kube.token.as_str()] {
        assert!(!out.all().contains(canary), "{canary} leaked: {out:?}");
    }
    out
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The main failure path under a Chinese locale: an image that is not in the registry is
/// diagnosed, reported and recorded in Chinese; Kubernetes' own words (the reason, the events)
/// and the names stay as the cluster wrote them.
#[test]
fn a_missing_image_is_diagnosed_in_chinese_under_a_chinese_locale() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 200);
    let args = ["--timeout", "10m", "--grace", "10m", "--set", "image.tag=pull-missing"];
    let out = deploy_with_lang(&kube, &helm, Some("zh_CN.UTF-8"), &args);
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.contains("等待 1 个工作负载就绪，最多等待 10 分钟"), "{out:?}");
    assert!(out.stderr.contains("deployment/web-web：0/1 就绪"), "{out:?}");
    assert!(out.stderr.contains("发布失败：pod web-web-"), "{out:?}");
    assert!(PULL_FAILED.split('|').any(|reason| out.stderr.contains(&format!(" 处于 {reason}"))), "{out:?}");
    assert!(out.stderr.contains("命名空间 shop 中的 pod web-web-"), "{out:?}");
    assert!(out.stderr.contains("（容器 web）"), "{out:?}");
    assert!(out.stderr.contains("  事件：\n"), "{out:?}");
    assert!(out.stderr.contains("Failed: Failed to pull image \"registry.example/shop/web:pull-missing\""), "{out:?}");
    assert!(
        out.stderr.contains(
            "镜像仓库中找不到该镜像：`registry.example/shop/web:pull-missing` 不存在，请检查镜像仓库名称和标签"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("修订版本 1 已在 Release 历史中记为失败"), "{out:?}");
    for english in ["the rollout failed", "image not found", "waiting for", "in namespace", "recorded failed"] {
        assert!(!out.stderr.contains(english), "{english:?} is English: {out:?}");
    }
    let history = helm_history(&kube, &helm);
    assert_eq!(history[0]["status"], "failed", "{history:?}");
    assert!(history[0]["description"].as_str().unwrap().starts_with("chart-deploy：发布失败："), "{history:?}");
}

/// `--lang zh-CN` wins over an English locale: the result, the progress lines and the `--atomic`
/// undo are Chinese, while `--output json` keeps its keys and values.
#[test]
fn lang_zh_cn_speaks_chinese_and_json_stays_as_it_is() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 200);
    let out = deploy_with_lang(&kube, &helm, Some("en_US.UTF-8"), &["--lang", "zh-CN", "--timeout", "60s"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("命名空间 shop 中的 Release web：修订版本 1 状态为 deployed"), "{out:?}");
    assert!(out.stdout.contains("Chart：web 0.3.0（应用版本 2.0.1）"), "{out:?}");
    assert!(out.stdout.contains("deployment/web-web：1/1 就绪"), "{out:?}");
    assert!(out.stdout.contains("秒后就绪"), "{out:?}");
    assert!(out.stdout.contains("集群：https://"), "{out:?}");

    let args = ["--lang", "zh-CN", "--timeout", "60s", "--replicas", "2", "--output", "json"];
    let out = deploy_with_lang(&kube, &helm, None, &args);
    assert_eq!(out.code, 0, "{out:?}");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((report["revision"].as_u64(), report["status"].as_str()), (Some(2), Some("deployed")));
    assert_eq!(report["workloads"][0]["kind"], "Deployment");
    assert!(has_chinese(&out.stderr), "progress lines in Chinese: {out:?}");

    let args = ["--lang", "zh-CN", "--atomic", "--grace", "1s", "--set", "image.tag=crash"];
    let out = deploy_with_lang(&kube, &helm, None, &args);
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.contains("指定了 --atomic 但未指定 --timeout：最多等待 5 分钟"), "{out:?}");
    assert!(out.stderr.contains("处于 CrashLoopBackOff"), "{out:?}");
    assert!(out.stderr.contains("集群通常能自行恢复，最多等待 1 秒后再判定为失败"), "{out:?}");
    assert!(out.stderr.contains("CrashLoopBackOff 持续时间超过了宽限期（1 秒）"), "{out:?}");
    assert!(out.stderr.contains("--atomic：已回滚到修订版本 2"), "{out:?}");
    assert!(out.stderr.contains("Kubernetes 在反复重启它"), "{out:?}");
}

/// With no language asked for (no --lang, no locale), chart-deploy speaks English as before.
#[test]
fn english_is_the_default_language() {
    let helm = Helm::new(HELM3);
    let kube = cluster(&helm, vec![], 200);
    let args = ["--timeout", "10m", "--grace", "10m", "--set", "image.tag=pull-missing"];
    let out = deploy_with_lang(&kube, &helm, None, &args);
    assert_eq!(out.code, 7, "{out:?}");
    assert!(out.stderr.contains("waiting for 1 workload to be ready, at most 10m"), "{out:?}");
    assert!(out.stderr.contains("the rollout failed: pod web-web-"), "{out:?}");
    assert!(out.stderr.contains("(container web) in namespace shop"), "{out:?}");
    assert!(
        out.stderr
            .contains("hint: image not found in registry: `registry.example/shop/web:pull-missing` does not exist"),
        "{out:?}"
    );
    assert!(out.stderr.contains("revision 1 is recorded failed in the release history"), "{out:?}");
    assert!(!has_chinese(&out.all()), "{out:?}");
    let out = deploy_with_lang(&kube, &helm, Some("C.UTF-8"), &["--timeout", "60s"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("release web in namespace shop: revision 2 is deployed"), "{out:?}");
    assert!(!has_chinese(&out.all()), "{out:?}");
}
