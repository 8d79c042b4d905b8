//! Kubernetes resource quantities ("1500m", "2", "4Gi") and what the scheduler counts with them:
//! a pod's requests, and how much of each node is still free for a new pod.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, Pod, PodSpec, Taint, Toleration};

/// Resource name -> amount (cores for cpu, bytes for memory).
pub type Resources = BTreeMap<String, f64>;

/// Parses a quantity; `None` when it is not one.
pub fn parse(text: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let text = text.trim();
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    text.parse().ok()
}

/// A quantity for people: cores for cpu, Mi/Gi for memory.
pub fn display(resource: &str, value: f64) -> String {
    if resource == "memory" {
        let gib = value / 1073741824.0;
        return if gib >= 1.0 { format!("{}Gi", round(gib)) } else { format!("{}Mi", round(value / 1048576.0)) };
    }
    round(value)
}

fn round(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn requests(container: &Container) -> Resources {
    let mut total = Resources::new();
    for (name, amount) in container.resources.iter().flat_map(|r| r.requests.iter().flatten()) {
        if let Some(value) = parse(&amount.0) {
            *total.entry(name.clone()).or_default() += value;
        }
    }
    total
}

fn add(total: &mut Resources, more: &Resources) {
    for (name, value) in more {
        *total.entry(name.clone()).or_default() += value;
    }
}

fn max_into(total: &mut Resources, other: &Resources) {
    for (name, value) in other {
        let slot = total.entry(name.clone()).or_default();
        *slot = slot.max(*value);
    }
}

/// What a pod asks the scheduler for, counted as the scheduler does (`PodRequests` in
/// k8s.io/component-helpers resource/helpers.go): per resource the larger of the app containers'
/// sum and each init container's request (restartable "sidecar" init containers keep running,
/// so they add to what follows them), plus the pod overhead.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let mut apps = Resources::new();
    for container in &spec.containers {
        add(&mut apps, &requests(container));
    }
    let (mut sidecars, mut init_peak) = (Resources::new(), Resources::new());
    for init in spec.init_containers.iter().flatten() {
        let own = requests(init);
        if init.restart_policy.as_deref() == Some("Always") {
            add(&mut sidecars, &own);
            max_into(&mut init_peak, &sidecars);
        } else {
            let mut during = sidecars.clone();
            add(&mut during, &own);
            max_into(&mut init_peak, &during);
        }
    }
    add(&mut apps, &sidecars);
    max_into(&mut apps, &init_peak);
    for (name, amount) in spec.overhead.iter().flatten() {
        if let Some(value) = parse(&amount.0) {
            *apps.entry(name.clone()).or_default() += value;
        }
    }
    apps
}

/// Whether one toleration tolerates a taint (`ToleratesTaint` in
/// staging/src/k8s.io/api/core/v1/toleration.go).
fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or_default();
    let key = toleration.key.as_deref().unwrap_or_default();
    if (!effect.is_empty() && effect != taint.effect) || (!key.is_empty() && key != taint.key) {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => toleration.value.as_deref().unwrap_or_default() == taint.value.as_deref().unwrap_or_default(),
        _ => false,
    }
}

/// Whether the scheduler may place a pod with these tolerations on `node` at all: not cordoned,
/// not NotReady, and no NoSchedule/NoExecute taint left untolerated.
pub fn eligible(node: &Node, tolerations: &[Toleration]) -> bool {
    let spec = node.spec.clone().unwrap_or_default();
    let not_ready = node
        .status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| c.type_ == "Ready" && c.status != "True");
    let untolerated = spec.taints.iter().flatten().any(|taint| {
        matches!(taint.effect.as_str(), "NoSchedule" | "NoExecute") && !tolerations.iter().any(|t| tolerates(t, taint))
    });
    !spec.unschedulable.unwrap_or(false) && !not_ready && !untolerated
}

fn terminated(pod: &Pod) -> bool {
    matches!(pod.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded" | "Failed"))
}

/// Each eligible node's allocatable less the requests of the non-terminated pods bound to it.
pub fn free_per_node(nodes: &[Node], pods: &[Pod], tolerations: &[Toleration]) -> Vec<(String, Resources)> {
    let mut free = Vec::new();
    for node in nodes.iter().filter(|n| eligible(n, tolerations)) {
        let name = node.metadata.name.clone().unwrap_or_default();
        let mut left = Resources::new();
        for (resource, amount) in node.status.iter().flat_map(|s| s.allocatable.iter().flatten()) {
            left.insert(resource.clone(), parse(&amount.0).unwrap_or(0.0));
        }
        let bound = pods.iter().filter(|p| !terminated(p)).filter_map(|p| p.spec.as_ref());
        for spec in bound.filter(|s| s.node_name.as_deref() == Some(name.as_str())) {
            for (resource, used) in pod_requests(spec) {
                *left.entry(resource).or_default() -= used;
            }
        }
        free.push((name, left));
    }
    free
}

/// The eligible node with the most of `resource` free, and that amount.
pub fn most_free(free: &[(String, Resources)], resource: &str) -> Option<(String, f64)> {
    free.iter()
        .map(|(node, left)| (node.clone(), left.get(resource).copied().unwrap_or(0.0)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn quantities() {
        assert_eq!(parse("1500m"), Some(1.5));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("4Gi"), Some(4.0 * 1073741824.0));
        assert_eq!(parse("lots"), None);
        assert_eq!(display("cpu", 1.5), "1.5");
        assert_eq!(display("cpu", 2.0), "2");
        assert_eq!(display("memory", 512.0 * 1048576.0), "512Mi");
        assert_eq!(display("memory", 6.0 * 1073741824.0), "6Gi");
    }

    #[test]
    fn init_containers_count_as_the_scheduler_counts_them() {
        let spec: PodSpec = from(
            r#"{"containers":[
                {"name":"a","resources":{"requests":{"cpu":"500m","memory":"1Gi"}}},
                {"name":"b","resources":{"requests":{"cpu":"500m"}}}],
              "initContainers":[
                {"name":"migrate","resources":{"requests":{"cpu":"2","memory":"512Mi"}}},
                {"name":"proxy","restartPolicy":"Always","resources":{"requests":{"cpu":"250m","memory":"128Mi"}}}],
              "overhead":{"cpu":"100m"}}"#,
        );
        let total = pod_requests(&spec);
        // cpu: max(2 (init), 1 + 0.25 (apps and sidecar)) + 0.1 overhead; memory: max(0.5Gi, 1Gi + 128Mi).
        assert_eq!(total.get("cpu").copied(), Some(2.1));
        assert_eq!(total.get("memory").copied(), Some(1073741824.0 + 134217728.0));
    }

    #[test]
    fn a_sidecar_adds_to_the_init_containers_after_it() {
        let spec: PodSpec = from(
            r#"{"containers":[{"name":"a","resources":{"requests":{"cpu":"100m"}}}],
              "initContainers":[
                {"name":"proxy","restartPolicy":"Always","resources":{"requests":{"cpu":"1"}}},
                {"name":"migrate","resources":{"requests":{"cpu":"2"}}}]}"#,
        );
        assert_eq!(pod_requests(&spec).get("cpu").copied(), Some(3.0));
    }

    #[test]
    fn tolerations_match_as_in_the_api() {
        let taint: Taint = from(r#"{"key":"dedicated","value":"gpu","effect":"NoSchedule"}"#);
        let cases = [
            (r#"{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}"#, true),
            (r#"{"key":"dedicated","value":"gpu"}"#, true),
            (r#"{"key":"dedicated","operator":"Exists"}"#, true),
            (r#"{"operator":"Exists"}"#, true),
            (r#"{"key":"dedicated","value":"cpu"}"#, false),
            (r#"{"key":"dedicated","operator":"Exists","effect":"NoExecute"}"#, false),
            (r#"{"key":"other","operator":"Exists"}"#, false),
        ];
        for (toleration, expected) in cases {
            assert_eq!(tolerates(&from(toleration), &taint), expected, "{toleration}");
        }
    }

    #[test]
    fn ineligible_nodes_are_skipped() {
        let node = |extra: &str| -> Node {
            from(&format!(r#"{{"metadata":{{"name":"n"}},{extra}"status":{{"allocatable":{{"cpu":"4"}}}}}}"#))
        };
        assert!(eligible(&node(""), &[]));
        assert!(!eligible(&node(r#""spec":{"unschedulable":true},"#), &[]));
        let tainted = node(r#""spec":{"taints":[{"key":"dedicated","value":"gpu","effect":"NoExecute"}]},"#);
        assert!(!eligible(&tainted, &[]));
        assert!(eligible(&tainted, &[from(r#"{"key":"dedicated","operator":"Exists"}"#)]));
        let soft = node(r#""spec":{"taints":[{"key":"dedicated","effect":"PreferNoSchedule"}]},"#);
        assert!(eligible(&soft, &[]), "PreferNoSchedule does not filter");
        let not_ready: Node = from(
            r#"{"metadata":{"name":"n"},"status":{"allocatable":{"cpu":"4"},
                "conditions":[{"type":"Ready","status":"Unknown"}]}}"#,
        );
        assert!(!eligible(&not_ready, &[]));
    }

    #[test]
    fn free_counts_only_running_pods_of_the_node() {
        let nodes: Vec<Node> = from(
            r#"[{"metadata":{"name":"a"},"status":{"allocatable":{"cpu":"4"}}},
                {"metadata":{"name":"b"},"status":{"allocatable":{"cpu":"2"}}}]"#,
        );
        let pods: Vec<Pod> = from(
            r#"[{"spec":{"nodeName":"a","containers":[{"name":"x","resources":{"requests":{"cpu":"3"}}}]},
                 "status":{"phase":"Running"}},
                {"spec":{"nodeName":"b","containers":[{"name":"x","resources":{"requests":{"cpu":"2"}}}]},
                 "status":{"phase":"Succeeded"}}]"#,
        );
        let free = free_per_node(&nodes, &pods, &[]);
        assert_eq!(most_free(&free, "cpu"), Some(("b".to_string(), 2.0)));
        assert_eq!(most_free(&[], "cpu"), None);
    }
}
