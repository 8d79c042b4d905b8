//! Why a rollout failed: pure functions from API objects (pods, ReplicaSets, Deployments, Jobs,
//! events) to a diagnosis with a hint. The cluster look-ups that sharpen a hint (does the pull
//! secret exist, how big is the largest node, the crashing container's log) are gathered by the
//! caller into [`Evidence`]; nothing here talks to the cluster, so it is tested on recorded objects.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Toleration};
use serde::Serialize;

use crate::messages;
use crate::quantity::{self, Resources};

/// Waiting reasons of a container that will not get better by waiting.
pub const FATAL_WAITING: [&str; 7] = [
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "CrashLoopBackOff",
    "CreateContainerConfigError",
    "InvalidImageName",
    "CreateContainerError",
];

/// A failure seen on one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// `Pod`, `ReplicaSet`, `Deployment`, `Job`.
    pub kind: String,
    pub name: String,
    pub reason: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Exit code and reason of the container's last termination (crashes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<(i32, String)>,
    /// The object's uid (events are matched by it).
    #[serde(skip)]
    pub uid: Option<String>,
}

/// Whether waiting can still fix a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permanence {
    Final,
    Transient,
}

/// Final: what no cluster recovers from by itself; everything else may clear.
pub fn permanence(failure: &Failure, events: &[Event]) -> Permanence {
    let text: String = std::iter::once(failure.message.as_str())
        .chain(events.iter().filter_map(|e| e.message.as_deref()))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    let pull = failure.reason.contains("ImagePull");
    let refused = ["not found", "manifest unknown", "unauthorized", "denied", "x509"].iter().any(|n| text.contains(n));
    let final_ =
        matches!(failure.reason.as_str(), "InvalidImageName" | "ErrImageNeverPull" | "ProgressDeadlineExceeded")
            || failure.kind == "Job"
            || (pull && refused);
    if final_ {
        Permanence::Final
    } else {
        Permanence::Transient
    }
}

impl Failure {
    /// A failure read from an object's condition (no container involved).
    fn of_object(
        kind: &str,
        name: Option<&String>,
        reason: Option<&String>,
        default_reason: &str,
        message: Option<&String>,
    ) -> Self {
        Failure {
            kind: kind.into(),
            name: name.cloned().unwrap_or_default(),
            reason: reason.cloned().unwrap_or_else(|| default_reason.into()),
            message: message.cloned().unwrap_or_default(),
            container: None,
            image: None,
            last_exit: None,
            uid: None,
        }
    }
}

/// What the cluster said around a failure, fetched by the caller.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Events about the failing object, oldest first.
    pub events: Vec<Event>,
    /// The last lines of the failing container's log (previous run for a crash).
    pub log_tail: Option<String>,
    /// imagePullSecrets the pod names that do not exist in its namespace.
    pub missing_pull_secrets: Vec<String>,
    /// The uids of the failing object and its pod: the events about them are the relevant ones.
    pub uids: Vec<String>,
    /// What the pod requests, the nodes, the pods bound to them (`None`: not allowed to list) and
    /// the pod's tolerations.
    pub requested: Resources,
    pub nodes: Vec<Node>,
    pub node_pods: Option<Vec<Pod>>,
    pub tolerations: Vec<Toleration>,
}

/// A failure explained.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    #[serde(flatten)]
    pub failure: Failure,
    /// Namespace of the object.
    pub namespace: String,
    /// "Reason: message" of the relevant events.
    pub events: Vec<String>,
    #[serde(rename = "logTail", skip_serializing_if = "Option::is_none")]
    pub log_tail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Waiting will not fix it.
    pub permanent: bool,
}

/// The first container of `pod` stuck in a state that waiting will not fix.
pub fn pod_failure(pod: &Pod) -> Option<Failure> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let status = pod.status.as_ref()?;
    let statuses = status.init_container_statuses.iter().flatten().chain(status.container_statuses.iter().flatten());
    for container in statuses {
        let Some(waiting) = container.state.as_ref().and_then(|s| s.waiting.as_ref()) else { continue };
        let reason = waiting.reason.clone().unwrap_or_default();
        if FATAL_WAITING.contains(&reason.as_str()) {
            let last_exit = container
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .map(|t| (t.exit_code, t.reason.clone().unwrap_or_default()));
            return Some(Failure {
                kind: "Pod".into(),
                name,
                reason,
                message: waiting.message.clone().unwrap_or_default(),
                container: Some(container.name.clone()),
                image: Some(container.image.clone()),
                last_exit,
                uid: pod.metadata.uid.clone(),
            });
        }
    }
    // A failed pod of a Job (restartPolicy Never) ends terminated rather than waiting.
    let unschedulable =
        status.conditions.iter().flatten().find(|c| {
            c.type_ == "PodScheduled" && c.status == "False" && c.reason.as_deref() == Some("Unschedulable")
        })?;
    let failure = Failure::of_object("Pod", Some(&name), None, "Unschedulable", unschedulable.message.as_ref());
    Some(Failure { uid: pod.metadata.uid.clone(), ..failure })
}

/// A ReplicaSet that cannot create its pods (quota, admission).
pub fn replicaset_failure(rs: &ReplicaSet) -> Option<Failure> {
    let condition =
        rs.status.as_ref()?.conditions.iter().flatten().find(|c| c.type_ == "ReplicaFailure" && c.status == "True")?;
    Some(Failure::of_object(
        "ReplicaSet",
        rs.metadata.name.as_ref(),
        condition.reason.as_ref(),
        "FailedCreate",
        condition.message.as_ref(),
    ))
}

/// A Deployment past its progress deadline.
pub fn deployment_failure(deployment: &Deployment) -> Option<Failure> {
    let condition = deployment.status.as_ref()?.conditions.iter().flatten().find(|c| {
        c.type_ == "Progressing" && c.status == "False" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    })?;
    Some(Failure::of_object(
        "Deployment",
        deployment.metadata.name.as_ref(),
        None,
        "ProgressDeadlineExceeded",
        condition.message.as_ref(),
    ))
}

/// A Job that has failed for good.
pub fn job_failure(job: &Job) -> Option<Failure> {
    let condition =
        job.status.as_ref()?.conditions.iter().flatten().find(|c| c.type_ == "Failed" && c.status == "True")?;
    Some(Failure::of_object(
        "Job",
        job.metadata.name.as_ref(),
        condition.reason.as_ref(),
        "Failed",
        condition.message.as_ref(),
    ))
}

/// Whether the failure's story is told better with the container's log.
pub fn wants_log(failure: &Failure) -> bool {
    failure.reason == "CrashLoopBackOff" || failure.kind == "Job"
}

/// Puts a failure and its evidence together, with a hint.
pub fn explain(failure: Failure, namespace: &str, evidence: &Evidence) -> Diagnosis {
    let events: Vec<String> = evidence
        .events
        .iter()
        .filter(|e| e.type_.as_deref() != Some("Normal"))
        .map(|e| format!("{}: {}", e.reason.as_deref().unwrap_or("-"), e.message.as_deref().unwrap_or("").trim()))
        .collect();
    let hint = hint(&failure, namespace, evidence, &events.join("\n"));
    let permanent = permanence(&failure, &evidence.events) == Permanence::Final;
    Diagnosis {
        failure,
        namespace: namespace.to_string(),
        events,
        log_tail: evidence.log_tail.clone(),
        hint,
        permanent,
    }
}

fn hint(failure: &Failure, namespace: &str, evidence: &Evidence, events: &str) -> Option<String> {
    let text = format!("{}\n{events}", failure.message).to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    let image = failure.image.as_deref().unwrap_or("the image");
    match failure.reason.as_str() {
        "ImagePullBackOff" | "ErrImagePull" => Some(if let Some(secret) = evidence.missing_pull_secrets.first() {
            messages::hint_pull_secret_missing(secret, namespace)
        } else if has(&["not found", "manifest unknown", "name unknown"]) {
            messages::hint_image_not_found(image)
        } else if has(&["unauthorized", "denied", "authorization failed", "authentication required", "no basic auth"]) {
            messages::hint_pull_refused(image, namespace)
        } else if has(&["x509", "certificate"]) {
            messages::HINT_PULL_TLS.to_string()
        } else if has(&["toomanyrequests", "rate limit"]) {
            messages::HINT_PULL_RATE_LIMIT.to_string()
        } else if has(&["i/o timeout", "no such host", "connection refused", "dial tcp", "network is unreachable"]) {
            messages::HINT_PULL_UNREACHABLE.to_string()
        } else {
            messages::HINT_PULL_OTHER.to_string()
        }),
        "InvalidImageName" => Some(messages::hint_invalid_image(image)),
        "CrashLoopBackOff" => Some(match &failure.last_exit {
            Some((_, reason)) if reason == "OOMKilled" => messages::HINT_OOM.to_string(),
            Some((code, _)) => messages::hint_crash(*code),
            None => messages::hint_crash(-1),
        }),
        "CreateContainerConfigError" | "CreateContainerError" => config_hint(&failure.message, namespace),
        "Unschedulable" => Some(unschedulable_hint(&failure.message, evidence)),
        "FailedCreate" => Some(match quota_parts(&failure.message) {
            Some((quota, detail)) => messages::hint_quota(&quota, &detail),
            None => messages::HINT_FAILED_CREATE.to_string(),
        }),
        "ProgressDeadlineExceeded" => Some(messages::HINT_PROGRESS_DEADLINE.to_string()),
        "BackoffLimitExceeded" | "DeadlineExceeded" | "Failed" if failure.kind == "Job" => {
            Some(messages::hint_job_failed(&failure.reason))
        }
        _ => None,
    }
}

/// `secret "x" not found`, `configmap "x" not found`, `couldn't find key K in Secret ns/x`.
fn config_hint(message: &str, namespace: &str) -> Option<String> {
    let quoted = regex_lite::Regex::new(r#"(secret|configmap) "([^"]+)" not found"#).ok()?;
    if let Some(c) = quoted.captures(message) {
        return Some(messages::hint_config_missing(&c[1], &c[2], namespace));
    }
    let key = regex_lite::Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/(\S+)").ok()?;
    if let Some(c) = key.captures(message) {
        return Some(messages::hint_config_key_missing(&c[1], &c[2].to_lowercase(), &c[4], &c[3]));
    }
    Some(messages::HINT_CONFIG_OTHER.to_string())
}

fn unschedulable_hint(message: &str, evidence: &Evidence) -> String {
    let mut short = Vec::new();
    for resource in ["cpu", "memory"] {
        if message.contains(&format!("Insufficient {resource}")) {
            let requested = evidence.requested.get(resource).copied();
            let largest = quantity::largest_node(&evidence.nodes);
            let allocatable = largest.as_ref().and_then(|n| n.get(resource).copied());
            short.push(match (requested, allocatable) {
                (Some(r), Some(a)) => messages::insufficient(
                    resource,
                    &quantity::display(resource, r),
                    Some(&quantity::display(resource, a)),
                ),
                (Some(r), None) => messages::insufficient(resource, &quantity::display(resource, r), None),
                _ => messages::insufficient(resource, "?", None),
            });
        }
    }
    if !short.is_empty() {
        return format!("{}{}", short.join("; "), messages::HINT_INSUFFICIENT);
    }
    if message.contains("node affinity") || message.contains("node selector") {
        return messages::HINT_NODE_SELECTOR.to_string();
    }
    if message.contains("taint") {
        return messages::HINT_TAINT.to_string();
    }
    if message.contains("PersistentVolumeClaim") || message.contains("persistentvolumeclaim") {
        return messages::HINT_PVC.to_string();
    }
    messages::HINT_UNSCHEDULABLE.to_string()
}

/// ("compute", "requested: requests.cpu=2, used: ..., limited: ...") from a quota refusal.
fn quota_parts(message: &str) -> Option<(String, String)> {
    let rest = message.split("exceeded quota: ").nth(1)?;
    let (name, detail) = rest.split_once(", ").unwrap_or((rest, ""));
    Some((name.to_string(), detail.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(json: &str) -> Pod {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_running_pod_is_no_failure() {
        let ready = pod(r#"{"metadata":{"name":"web-1"},"status":{"phase":"Running","containerStatuses":[
            {"name":"web","image":"nginx:1","imageID":"","ready":true,"restartCount":0,"state":{"running":{}}}]}}"#);
        assert_eq!(pod_failure(&ready), None);
        let creating = pod(r#"{"metadata":{"name":"web-1"},"status":{"phase":"Pending","containerStatuses":[
            {"name":"web","image":"nginx:1","imageID":"","ready":false,"restartCount":0,
             "state":{"waiting":{"reason":"ContainerCreating"}}}]}}"#);
        assert_eq!(pod_failure(&creating), None, "still starting is not a failure");
    }

    #[test]
    fn quota_refusal_is_split() {
        let message = r#"pods "web-1" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1"#;
        assert_eq!(
            quota_parts(message),
            Some(("compute".into(), "requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1".into()))
        );
    }

    #[test]
    fn config_errors_name_the_missing_object() {
        let hint = config_hint(r#"secret "app-env" not found"#, "shop").unwrap();
        assert!(hint.contains("secret `app-env`") && hint.contains("`shop`"), "{hint}");
        let hint = config_hint("couldn't find key DB_URL in Secret shop/app-env", "shop").unwrap();
        assert!(hint.contains("`DB_URL`") && hint.contains("`app-env`"), "{hint}");
    }
}
