//! The diagnosis logic on API objects in the real API's JSON shape (pods, ReplicaSets,
//! Deployments, Jobs, events and nodes as `kubectl get -o json` prints them; transcribed, since
//! no cluster runs here), without the CLI or a cluster.

use chart_deploy::diagnose::{self, Evidence};
use chart_deploy::quantity;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Node, Pod};
use k8s_openapi::List;

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn pull_refused_without_the_named_secret() {
    let pod: Pod = load("pod-image-pull-401.json");
    let failure = diagnose::pod_failure(&pod).expect("ImagePullBackOff is a failure");
    assert_eq!((failure.reason.as_str(), failure.container.as_deref()), ("ImagePullBackOff", Some("web")));
    let events: List<Event> = load("events-image-pull-401.json");
    let evidence = Evidence {
        events: events.items.clone(),
        missing_pull_secrets: vec!["harbor-pull".into()],
        ..Default::default()
    };
    let d = diagnose::explain(failure.clone(), "shop", &evidence);
    assert!(d.hint.as_deref().unwrap().starts_with("imagePullSecret `harbor-pull` does not exist in namespace `shop`"));
    assert_eq!(d.events.len(), 3, "warnings only: {:?}", d.events);
    assert!(d.events[0].starts_with("Failed: Failed to pull image"));

    // With the secret in place, the registry's refusal is the story.
    let evidence = Evidence { events: events.items, ..Default::default() };
    let d = diagnose::explain(failure, "shop", &evidence);
    assert!(d.hint.unwrap().starts_with("the registry refused to give `harbor.example.com/shop/web:1.4.2`"));
}

#[test]
fn image_not_found() {
    let failure = diagnose::pod_failure(&load("pod-image-not-found.json")).unwrap();
    assert_eq!(failure.reason, "ErrImagePull");
    let d = diagnose::explain(failure, "shop", &Evidence::default());
    assert!(d.hint.unwrap().starts_with("image not found in registry"));
}

#[test]
fn crash_loop_and_oom() {
    let failure = diagnose::pod_failure(&load("pod-crash-loop.json")).unwrap();
    assert_eq!(failure.last_exit, Some((1, "Error".into())));
    assert!(diagnose::wants_log(&failure));
    let evidence = Evidence { log_tail: Some("panic: DB_URL not set\n".into()), ..Default::default() };
    let d = diagnose::explain(failure, "shop", &evidence);
    assert!(d.hint.unwrap().contains("exits with code 1"));
    assert_eq!(d.log_tail.as_deref(), Some("panic: DB_URL not set\n"));

    let failure = diagnose::pod_failure(&load("pod-oom-killed.json")).unwrap();
    let d = diagnose::explain(failure, "shop", &Evidence::default());
    assert!(d.hint.unwrap().contains("OOMKilled"));
}

#[test]
fn missing_secret_key() {
    let failure = diagnose::pod_failure(&load("pod-config-key-missing.json")).unwrap();
    assert_eq!(failure.reason, "CreateContainerConfigError");
    let d = diagnose::explain(failure, "shop", &Evidence::default());
    assert_eq!(
        d.hint.unwrap(),
        "secret `app-env` in namespace `shop` has no key `DB_URL`: add it, or fix the reference in the chart"
    );
}

#[test]
fn unschedulable_memory_against_the_largest_node() {
    let pod: Pod = load("pod-unschedulable-memory.json");
    let failure = diagnose::pod_failure(&pod).unwrap();
    assert_eq!(failure.reason, "Unschedulable");
    let nodes: List<Node> = load("nodes.json");
    let evidence = Evidence {
        requested: quantity::pod_requests(pod.spec.as_ref().unwrap()),
        nodes: nodes.items.clone(),
        ..Default::default()
    };
    let hint = diagnose::explain(failure, "shop", &evidence).hint.unwrap();
    assert!(hint.starts_with("insufficient memory: requested 6Gi, allocatable 7.177Gi on the largest node"), "{hint}");
}

#[test]
fn quota_full() {
    let rs: ReplicaSet = load("replicaset-quota.json");
    let failure = diagnose::replicaset_failure(&rs).unwrap();
    let hint = diagnose::explain(failure, "shop", &Evidence::default()).hint.unwrap();
    assert!(
        hint.starts_with("the namespace's ResourceQuota `shop-compute` is full (requested: limits.memory=1Gi"),
        "{hint}"
    );
}

#[test]
fn progress_deadline_and_failed_job() {
    let deployment: Deployment = load("deployment-progress-deadline.json");
    let failure = diagnose::deployment_failure(&deployment).unwrap();
    assert_eq!(failure.message, "ReplicaSet \"web-6c9f8d7b5d\" has timed out progressing.");
    let job: Job = load("job-failed.json");
    let failure = diagnose::job_failure(&job).unwrap();
    assert_eq!(failure.reason, "BackoffLimitExceeded");
    assert!(diagnose::explain(failure, "shop", &Evidence::default()).hint.unwrap().contains("BackoffLimitExceeded"));
}
