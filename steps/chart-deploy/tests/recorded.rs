//! The diagnosis logic on API objects in the real API's JSON shape (pods, ReplicaSets,
//! Deployments, Jobs, events and nodes as `kubectl get -o json` prints them; transcribed from the
//! components' message formats, see tests/recorded/SOURCES.md, since no cluster runs here),
//! without the CLI or a cluster.

use chart_deploy::diagnose::{self, Evidence, Failure, Permanence};
use chart_deploy::{messages, quantity};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Node, Pod};
use k8s_openapi::List;

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn events(name: &str) -> Vec<Event> {
    load::<List<Event>>(name).items
}

/// The evidence the caller gathers: the namespace's events and the failing object's uid.
fn with_events(failure: &Failure, events: Vec<Event>) -> Evidence {
    Evidence { events, uids: failure.uid.iter().cloned().collect(), ..Default::default() }
}

/// What chart-deploy gathers for an unschedulable pod on the recorded 1.33 cluster.
fn on_the_cluster(pod: &Pod) -> Evidence {
    let spec = pod.spec.as_ref().unwrap();
    Evidence {
        requested: quantity::pod_requests(spec),
        tolerations: spec.tolerations.clone().unwrap_or_default(),
        nodes: load::<List<Node>>("nodes.json").items,
        node_pods: Some(load::<List<Pod>>("node-pods.json").items),
        ..Default::default()
    }
}

#[test]
fn image_pulls_by_runtime_final_or_not() {
    let pods: List<Pod> = load("pods-image-pull.json");
    let namespace_events = events("events-image-pull.json");
    let not_found = messages::hint_image_not_found("harbor.example.com/shop/web:1.4.2");
    let refused = messages::hint_pull_refused("harbor.example.com/shop/web:1.4.2", "shop");
    let (tls, unreachable, rate_limit) =
        (messages::hint_pull_tls(), messages::hint_pull_unreachable(), messages::hint_pull_rate_limit());
    let cases: [(&str, bool, &str); 10] = [
        ("web-6c9f8d7b5d-2b4kx", true, &not_found), // containerd: not found (ErrImagePull)
        ("web-6c9f8d7b5d-x2k8p", true, &refused),   // containerd: 401 from the token service
        ("web-6c9f8d7b5d-9wq7z", true, &tls),       // containerd: x509
        ("web-6c9f8d7b5d-l5m2n", false, &unreachable), // containerd: i/o timeout
        ("proxy-5f7c9b8d4-r8t6v", false, &rate_limit), // containerd: Docker Hub's 429
        ("web-6c9f8d7b5d-h7j4c", true, &not_found), // CRI-O: manifest unknown
        ("web-6c9f8d7b5d-q3w9e", true, &refused),   // CRI-O: unauthorized (ErrImagePull)
        ("web-6c9f8d7b5d-z6x5c", false, &unreachable), // CRI-O: no such host (ErrImagePull)
        ("web-6c9f8d7b5d-v8b7n", true, &refused),   // dockershim: pull access denied
        ("web-6c9f8d7b5d-k2l9m", true, &not_found), // timed out first, then not found
    ];
    assert_eq!(pods.items.len(), cases.len());
    for (pod, (name, permanent, hint)) in pods.items.iter().zip(cases) {
        let failure = diagnose::pod_failure(pod).expect("a pull failure");
        assert_eq!(failure.name, name);
        let d = diagnose::explain(failure.clone(), "shop", &with_events(&failure, namespace_events.clone()));
        assert_eq!((d.permanent, d.hint.as_deref()), (permanent, Some(hint)), "{name}");
        assert_eq!(
            diagnose::permanence(&failure, &[]) == Permanence::Final,
            failure.reason == "ErrImagePull" && permanent
        );
        // Its own Warning events only: the Normal "Back-off pulling image" and other pods' are left out.
        let pulls = if name.ends_with("k2l9m") { 2 } else { 1 };
        let image = failure.image.as_deref().unwrap();
        let failed_pulls =
            d.events.iter().filter(|e| e.starts_with(&format!("Failed: Failed to pull image \"{image}\"")));
        assert_eq!((failed_pulls.count(), d.events.len()), (pulls, pulls + 2), "{name}: {:?}", d.events);
        assert!(!d.events.iter().any(|e| e.starts_with("BackOff")), "{name}: {:?}", d.events);
    }
}

#[test]
fn the_named_pull_secret_is_missing() {
    let pods: List<Pod> = load("pods-image-pull.json");
    let pod = pods.items.iter().find(|p| p.metadata.name.as_deref() == Some("web-6c9f8d7b5d-x2k8p")).unwrap();
    let failure = diagnose::pod_failure(pod).unwrap();
    let evidence = Evidence {
        missing_pull_secrets: vec!["harbor-pull".into()],
        ..with_events(&failure, events("events-image-pull.json"))
    };
    let d = diagnose::explain(failure, "shop", &evidence);
    assert!(d.hint.unwrap().starts_with("imagePullSecret `harbor-pull` does not exist in namespace `shop`"));
    assert!(d.permanent);
    assert_eq!(d.events.len(), 3, "{:?}", d.events);
    assert!(d.events[0].starts_with("Failed: Failed to pull image"));
}

#[test]
fn the_newest_pull_failure_decides() {
    let pods: List<Pod> = load("pods-image-pull.json");
    let pod = pods.items.iter().find(|p| p.metadata.name.as_deref() == Some("web-6c9f8d7b5d-k2l9m")).unwrap();
    let failure = diagnose::pod_failure(pod).unwrap();
    let d = diagnose::explain(
        failure,
        "shop",
        &with_events(&diagnose::pod_failure(pod).unwrap(), events("events-image-pull.json")),
    );
    assert!(d.events[0].contains("i/o timeout"), "oldest first: {:?}", d.events);
    assert!(d.events.iter().position(|e| e.contains(": not found")) > Some(0));
}

#[test]
fn image_never_pulled() {
    let failure = diagnose::pod_failure(&load("pod-image-never-pull.json")).unwrap();
    assert_eq!(failure.reason, "ErrImageNeverPull");
    assert_eq!(diagnose::permanence(&failure, &[]), Permanence::Final);
    let d = diagnose::explain(failure, "shop", &Evidence::default());
    assert_eq!(d.hint.unwrap(), messages::hint_never_pull("shop/web:dev"));
}

#[test]
fn crash_loop_and_oom() {
    let failure = diagnose::pod_failure(&load("pod-crash-loop.json")).unwrap();
    assert_eq!(failure.last_exit, Some((1, "Error".into())));
    assert!(diagnose::wants_log(&failure));
    let evidence = Evidence { log_tail: Some("panic: DB_URL not set\n".into()), ..Default::default() };
    let d = diagnose::explain(failure, "shop", &evidence);
    assert!(d.hint.unwrap().contains("exits with code 1"));
    assert!(!d.permanent, "a crash loop may still recover");
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
    assert!(!d.permanent, "the Secret may still be created");
    assert_eq!(
        d.hint.unwrap(),
        "secret `app-env` in namespace `shop` has no key `DB_URL`: add it, or fix the reference in the chart"
    );
}

#[test]
fn insufficient_memory_against_the_free_nodes() {
    let pod: Pod = load("pod-unschedulable-memory.json");
    let failure = diagnose::pod_failure(&pod).unwrap();
    assert_eq!((failure.reason.as_str(), failure.uid.as_deref()), ("Unschedulable", pod.metadata.uid.as_deref()));
    let d = diagnose::explain(failure, "shop", &on_the_cluster(&pod));
    assert!(!d.permanent);
    // node-1: 3922156Ki less coredns' 70Mi and search-0's 1536Mi init container (it outweighs its
    // 1Gi app container); master-1 (tainted), node-3 (cordoned) and node-4 (unreachable) may not
    // take the pod; the Succeeded pod on node-1 no longer counts.
    let hint = d.hint.unwrap();
    assert!(
        hint.starts_with(
            "insufficient memory: the pod requests 6Gi, and the most any node that may take it has free is 2.172Gi \
             (node `node-1`)"
        ),
        "{hint}"
    );
}

#[test]
fn scheduler_wordings_of_1_14_and_1_20() {
    let pod: Pod = load("pod-unschedulable-1.14.json");
    let hint = diagnose::explain(diagnose::pod_failure(&pod).unwrap(), "shop", &on_the_cluster(&pod)).hint.unwrap();
    assert!(hint.starts_with("insufficient memory: the pod requests 6Gi") && hint.contains("2.172Gi"), "{hint}");
    let pod: Pod = load("pod-unschedulable-1.20.json");
    let hint = diagnose::explain(diagnose::pod_failure(&pod).unwrap(), "shop", &on_the_cluster(&pod)).hint.unwrap();
    assert!(hint.starts_with("insufficient cpu: the pod requests 3") && hint.contains("2.7 (node `node-1`)"), "{hint}");
}

#[test]
fn free_capacity_unknown_without_the_pods_on_the_nodes() {
    let pod: Pod = load("pod-unschedulable-memory.json");
    let evidence = Evidence { node_pods: None, ..on_the_cluster(&pod) };
    let hint = diagnose::explain(diagnose::pod_failure(&pod).unwrap(), "shop", &evidence).hint.unwrap();
    assert!(hint.starts_with(&messages::insufficient_unknown("memory", "6Gi", &messages::free_no_pods())), "{hint}");
}

#[test]
fn a_volume_zone_conflict_is_no_node_selector_problem() {
    let pod: Pod = load("pod-unschedulable-volume.json");
    let d = diagnose::explain(diagnose::pod_failure(&pod).unwrap(), "shop", &on_the_cluster(&pod));
    assert_eq!(d.hint.as_deref(), Some(messages::hint_volume_affinity().as_str()));
}

#[test]
fn scheduler_events_without_timestamps_are_ordered_by_event_time() {
    let pod: Pod = load("pod-unschedulable-memory.json");
    let failure = diagnose::pod_failure(&pod).unwrap();
    let d = diagnose::explain(failure.clone(), "shop", &with_events(&failure, events("events-scheduling.json")));
    assert_eq!(d.events.len(), 2, "the autoscaler's Normal event is left out: {:?}", d.events);
    assert!(d.events[0].contains("3 Insufficient memory"), "the older message first: {:?}", d.events);
    assert!(d.events[1].contains("2 Insufficient memory"), "{:?}", d.events);
}

#[test]
fn a_recreated_pod_ignores_its_predecessors_events() {
    let pod: Pod = load("pod-statefulset-recreated.json");
    let failure = diagnose::pod_failure(&pod).unwrap();
    assert_eq!(failure.reason, "CrashLoopBackOff");
    let d =
        diagnose::explain(failure.clone(), "shop", &with_events(&failure, events("events-statefulset-recreated.json")));
    assert_eq!(
        d.events,
        ["BackOff: Back-off restarting failed container db in pod db-0_shop(6e1c0a9d-77a2-4c1e-8d55-3b0f9e2a1c02)"]
    );
    assert!(!d.permanent);
}

#[test]
fn quota_full() {
    let rs: ReplicaSet = load("replicaset-quota.json");
    let failure = diagnose::replicaset_failure(&rs).unwrap();
    assert_eq!(failure.uid, rs.metadata.uid);
    let d = diagnose::explain(failure.clone(), "shop", &with_events(&failure, events("events-replicaset-quota.json")));
    assert!(!d.permanent, "a quota refusal clears once capacity frees up");
    assert_eq!(d.events.len(), 1);
    assert!(d.events[0].starts_with("FailedCreate: Error creating: pods \"web-6c9f8d7b5d-8kq2w\" is forbidden"));
    let hint = d.hint.unwrap();
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
    assert_eq!(failure.uid, deployment.metadata.uid);
    assert!(diagnose::explain(failure, "shop", &Evidence::default()).permanent);
    let job: Job = load("job-failed.json");
    let failure = diagnose::job_failure(&job).unwrap();
    assert_eq!(
        (failure.reason.as_str(), failure.uid.as_deref()),
        ("BackoffLimitExceeded", job.metadata.uid.as_deref())
    );
    let d = diagnose::explain(failure, "shop", &Evidence::default());
    assert!(d.permanent);
    assert!(d.hint.unwrap().contains("BackoffLimitExceeded"));
}

#[test]
fn permanent_is_serialized() {
    let failure = diagnose::pod_failure(&load("pod-image-never-pull.json")).unwrap();
    let json = serde_json::to_value(diagnose::explain(failure, "shop", &Evidence::default())).unwrap();
    assert_eq!(json["permanent"], true);
    assert!(json.get("uid").is_none(), "the uid stays internal");
}
