//! Why a rollout failed: pure functions from API objects (pods, ReplicaSets, Deployments, Jobs,
//! events, nodes) to a diagnosis with a hint, and whether waiting could still fix it. The cluster
//! look-ups that sharpen a hint (does the pull secret exist, the nodes and the pods on them, the
//! crashing container's log) are gathered by the caller into [`Evidence`]; nothing here talks to
//! the cluster, so it is tested on recorded objects.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;

use crate::messages;
use crate::quantity::{self, Resources};

/// Waiting reasons of a container that may be failures (whether waiting fixes them is
/// [`permanence`]'s call). The kubelet's names: pkg/kubelet/images/types.go and
/// pkg/kubelet/container/sync_result.go in kubernetes/kubernetes.
pub const FAILING_WAITING: [&str; 8] = [
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "InvalidImageName",
    "CrashLoopBackOff",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

/// A failure seen on one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// `Pod`, `ReplicaSet`, `Deployment`, `Job`.
    pub kind: String,
    pub name: String,
    /// The object's metadata.uid: its events are matched by it.
    #[serde(skip)]
    pub uid: Option<String>,
    pub reason: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Exit code and reason of the container's last termination (crashes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<(i32, String)>,
}

impl Failure {
    /// A failure read from an object's condition (no container involved).
    fn of_object(
        kind: &str,
        meta: &ObjectMeta,
        reason: Option<&String>,
        default_reason: &str,
        message: Option<&String>,
    ) -> Self {
        Failure {
            kind: kind.into(),
            name: meta.name.clone().unwrap_or_default(),
            uid: meta.uid.clone(),
            reason: reason.cloned().unwrap_or_else(|| default_reason.into()),
            message: message.cloned().unwrap_or_default(),
            container: None,
            image: None,
            last_exit: None,
        }
    }
}

/// Whether a failure ends the deploy at once, or may clear by itself on a real cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permanence {
    Final,
    Transient,
}

/// What the cluster said around a failure, fetched by the caller.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Events of the namespace (any objects, any order); [`explain`] keeps the failure's own.
    pub events: Vec<Event>,
    /// The uids whose events count: the failing object's and its pod's.
    pub uids: Vec<String>,
    /// The last lines of the failing container's log (previous run for a crash).
    pub log_tail: Option<String>,
    /// imagePullSecrets the pod names that do not exist in its namespace.
    pub missing_pull_secrets: Vec<String>,
    /// What the pod requests ([`quantity::pod_requests`]).
    pub requested: Resources,
    /// The cluster's nodes (empty when they could not be listed).
    pub nodes: Vec<Node>,
    /// The pods bound to nodes, of every namespace; `None` when they may not be listed.
    pub node_pods: Option<Vec<Pod>>,
    /// The failing pod's tolerations.
    pub tolerations: Vec<Toleration>,
}

/// A failure explained.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    #[serde(flatten)]
    pub failure: Failure,
    /// Namespace of the object.
    pub namespace: String,
    /// Whether waiting longer cannot fix it ([`Permanence::Final`]).
    pub permanent: bool,
    /// "Reason: message" of the relevant non-Normal events, oldest first.
    pub events: Vec<String>,
    #[serde(rename = "logTail", skip_serializing_if = "Option::is_none")]
    pub log_tail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The first container of `pod` waiting for a reason that may be a failure, else the pod's
/// Unschedulable condition.
pub fn pod_failure(pod: &Pod) -> Option<Failure> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let status = pod.status.as_ref()?;
    let statuses = status.init_container_statuses.iter().flatten().chain(status.container_statuses.iter().flatten());
    for container in statuses {
        let Some(waiting) = container.state.as_ref().and_then(|s| s.waiting.as_ref()) else { continue };
        let reason = waiting.reason.clone().unwrap_or_default();
        if FAILING_WAITING.contains(&reason.as_str()) {
            let last_exit = container
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .map(|t| (t.exit_code, t.reason.clone().unwrap_or_default()));
            return Some(Failure {
                kind: "Pod".into(),
                name,
                uid: pod.metadata.uid.clone(),
                reason,
                message: waiting.message.clone().unwrap_or_default(),
                container: Some(container.name.clone()),
                image: Some(container.image.clone()),
                last_exit,
            });
        }
    }
    // A failed pod of a Job (restartPolicy Never) ends terminated rather than waiting.
    let unschedulable =
        status.conditions.iter().flatten().find(|c| {
            c.type_ == "PodScheduled" && c.status == "False" && c.reason.as_deref() == Some("Unschedulable")
        })?;
    Some(Failure::of_object("Pod", &pod.metadata, None, "Unschedulable", unschedulable.message.as_ref()))
}

/// A ReplicaSet that cannot create its pods (quota, admission).
pub fn replicaset_failure(rs: &ReplicaSet) -> Option<Failure> {
    let condition =
        rs.status.as_ref()?.conditions.iter().flatten().find(|c| c.type_ == "ReplicaFailure" && c.status == "True")?;
    Some(Failure::of_object(
        "ReplicaSet",
        &rs.metadata,
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
        &deployment.metadata,
        None,
        "ProgressDeadlineExceeded",
        condition.message.as_ref(),
    ))
}

/// A Job that has failed for good.
pub fn job_failure(job: &Job) -> Option<Failure> {
    let condition =
        job.status.as_ref()?.conditions.iter().flatten().find(|c| c.type_ == "Failed" && c.status == "True")?;
    Some(Failure::of_object("Job", &job.metadata, condition.reason.as_ref(), "Failed", condition.message.as_ref()))
}

/// Whether the failure's story is told better with the container's log.
pub fn wants_log(failure: &Failure) -> bool {
    failure.reason == "CrashLoopBackOff" || failure.kind == "Job"
}

/// Whether waiting could still fix `failure`; `events` are its own ([`explain`] picks them).
pub fn permanence(failure: &Failure, events: &[Event]) -> Permanence {
    let at_once = match failure.reason.as_str() {
        "InvalidImageName" | "ErrImageNeverPull" | "ProgressDeadlineExceeded" => true,
        "ErrImagePull" | "ImagePullBackOff" => pull_cause(failure, events).is_final(),
        _ => failure.kind == "Job",
    };
    if at_once {
        Permanence::Final
    } else {
        Permanence::Transient
    }
}

/// Why image pulls fail, as the runtime said it (containerd, CRI-O, dockershim wordings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PullCause {
    RateLimited,
    NotFound,
    Refused,
    Tls,
    Unreachable,
    Other,
}

impl PullCause {
    /// Reads the runtime's error. The order matters: a rate-limit reply also carries an HTTP
    /// status, and a refusal may say "repository does not exist".
    fn of(error: &str) -> Self {
        let text = error.to_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
        let status = |codes: &str| regex_lite::Regex::new(&format!(r"\b({codes})\b")).is_ok_and(|r| r.is_match(&text));
        if has(&["toomanyrequests", "too many requests", "rate limit"]) || status("429") {
            PullCause::RateLimited
        } else if has(&["not found", "manifest unknown", "name unknown"]) {
            PullCause::NotFound
        } else if has(&[
            "unauthorized",
            "denied",
            "authentication required",
            "insufficient_scope",
            "authorization failed",
            "no basic auth credentials",
            "forbidden",
        ]) || status("401|403")
        {
            PullCause::Refused
        } else if has(&["x509"]) {
            PullCause::Tls
        } else if has(&[
            "i/o timeout",
            "no such host",
            "connection refused",
            "tls handshake timeout",
            "network is unreachable",
            "connection reset",
            "dial tcp",
        ]) {
            PullCause::Unreachable
        } else {
            PullCause::Other
        }
    }

    fn is_final(self) -> bool {
        matches!(self, PullCause::NotFound | PullCause::Refused | PullCause::Tls)
    }
}

/// The runtime's latest word on the pull. ErrImagePull's waiting message is the runtime's error
/// itself; ImagePullBackOff's is only `Back-off pulling image "x"`, so the newest "Failed to
/// pull image" event tells (pkg/kubelet/images/image_manager.go).
fn pull_cause(failure: &Failure, events: &[Event]) -> PullCause {
    if failure.reason == "ErrImagePull" && !failure.message.is_empty() {
        return PullCause::of(&failure.message);
    }
    let failed_pulls =
        events.iter().filter(|e| e.message.as_deref().is_some_and(|m| m.starts_with("Failed to pull image")));
    let newest = failed_pulls.max_by_key(|e| event_time(e));
    PullCause::of(newest.and_then(|e| e.message.as_deref()).unwrap_or(&failure.message))
}

/// When an event last happened: core/v1 writers fill lastTimestamp (firstTimestamp), the
/// events.k8s.io/v1 ones (the scheduler since 1.19) eventTime and series.lastObservedTime.
fn event_time(event: &Event) -> Option<Timestamp> {
    let observed = event.series.as_ref().and_then(|s| s.last_observed_time.as_ref()).map(|t| t.0);
    event
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or(observed)
        .or(event.event_time.as_ref().map(|t| t.0))
        .or(event.first_timestamp.as_ref().map(|t| t.0))
}

/// Whether an event is about the failing object or its pod: by uid, since a recreated pod
/// (StatefulSets) has its predecessor's name; by kind and name only for an event without one.
fn is_about(event: &Event, failure: &Failure, uids: &[String]) -> bool {
    let object = &event.involved_object;
    match object.uid.as_deref().filter(|u| !u.is_empty()) {
        Some(uid) => failure.uid.as_deref() == Some(uid) || uids.iter().any(|u| u == uid),
        None => object.name.as_deref() == Some(failure.name.as_str()) && object.kind.as_deref() == Some(&failure.kind),
    }
}

/// The failure's own events, oldest first.
fn own_events(failure: &Failure, evidence: &Evidence) -> Vec<Event> {
    let mut own: Vec<Event> =
        evidence.events.iter().filter(|e| is_about(e, failure, &evidence.uids)).cloned().collect();
    own.sort_by_key(event_time);
    own
}

/// Puts a failure and its evidence together, with a hint and whether it is final.
pub fn explain(failure: Failure, namespace: &str, evidence: &Evidence) -> Diagnosis {
    let own = own_events(&failure, evidence);
    let events = own
        .iter()
        .filter(|e| e.type_.as_deref() != Some("Normal"))
        .map(|e| format!("{}: {}", e.reason.as_deref().unwrap_or("-"), e.message.as_deref().unwrap_or("").trim()))
        .collect();
    let hint = hint(&failure, namespace, evidence, &own);
    let permanent = permanence(&failure, &own) == Permanence::Final;
    Diagnosis {
        failure,
        namespace: namespace.to_string(),
        permanent,
        events,
        log_tail: evidence.log_tail.clone(),
        hint,
    }
}

fn hint(failure: &Failure, namespace: &str, evidence: &Evidence, events: &[Event]) -> Option<String> {
    let image = failure.image.clone().unwrap_or_else(messages::the_image);
    let image = image.as_str();
    match failure.reason.as_str() {
        "ImagePullBackOff" | "ErrImagePull" => Some(pull_hint(failure, namespace, evidence, events)),
        "InvalidImageName" => Some(messages::hint_invalid_image(image)),
        "ErrImageNeverPull" => Some(messages::hint_never_pull(image)),
        "CrashLoopBackOff" => Some(match &failure.last_exit {
            Some((_, reason)) if reason == "OOMKilled" => messages::hint_oom(),
            Some((code, _)) if *code >= 0 => messages::hint_crash(Some(*code)),
            _ => messages::hint_crash(None),
        }),
        "CreateContainerConfigError" | "CreateContainerError" => config_hint(&failure.message, namespace),
        "RunContainerError" => Some(messages::hint_run_container()),
        "Unschedulable" => Some(unschedulable_hint(&failure.message, evidence)),
        "FailedCreate" => Some(match quota_parts(&failure.message) {
            Some((quota, detail)) => messages::hint_quota(&quota, &detail),
            None => messages::hint_failed_create(),
        }),
        "ProgressDeadlineExceeded" => Some(messages::hint_progress_deadline()),
        "BackoffLimitExceeded" | "DeadlineExceeded" | "Failed" if failure.kind == "Job" => {
            Some(messages::hint_job_failed(&failure.reason))
        }
        _ => None,
    }
}

fn pull_hint(failure: &Failure, namespace: &str, evidence: &Evidence, events: &[Event]) -> String {
    let image = failure.image.clone().unwrap_or_else(messages::the_image);
    let image = image.as_str();
    if let Some(secret) = evidence.missing_pull_secrets.first() {
        return messages::hint_pull_secret_missing(secret, namespace);
    }
    match pull_cause(failure, events) {
        PullCause::NotFound => messages::hint_image_not_found(image),
        PullCause::Refused => messages::hint_pull_refused(image, namespace),
        PullCause::Tls => messages::hint_pull_tls(),
        PullCause::RateLimited => messages::hint_pull_rate_limit(),
        PullCause::Unreachable => messages::hint_pull_unreachable(),
        PullCause::Other => messages::hint_pull_other(),
    }
}

/// `secret "x" not found`, `configmap "x" not found`, `couldn't find key K in Secret ns/x`, and
/// the kubelet's `failed to sync secret cache` while its cache fills.
fn config_hint(message: &str, namespace: &str) -> Option<String> {
    if message.contains("failed to sync") {
        return Some(messages::hint_config_cache());
    }
    let quoted = regex_lite::Regex::new(r#"(secret|configmap) "([^"]+)" not found"#).ok()?;
    if let Some(c) = quoted.captures(message) {
        return Some(messages::hint_config_missing(&c[1], &c[2], namespace));
    }
    let key = regex_lite::Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/(\S+)").ok()?;
    if let Some(c) = key.captures(message) {
        return Some(messages::hint_config_key_missing(&c[1], &c[2].to_lowercase(), &c[4], &c[3]));
    }
    Some(messages::hint_config_other())
}

/// The scheduler's `0/3 nodes are available: <count> <reason>, ...` (FitError in
/// pkg/scheduler/framework/types.go), by the reasons' wording of 1.14 to 1.33; what follows
/// `preemption:` (1.27+) says what preemption could do, not why the pod does not fit.
fn unschedulable_hint(message: &str, evidence: &Evidence) -> String {
    let reasons = message.split("preemption:").next().unwrap_or_default();
    let short: Vec<String> = ["cpu", "memory"]
        .into_iter()
        .filter(|resource| reasons.contains(&format!("Insufficient {resource}")))
        .map(|resource| insufficient(resource, evidence))
        .collect();
    if !short.is_empty() {
        return messages::hint_insufficient(&short);
    }
    let has = |needles: &[&str]| needles.iter().any(|n| reasons.contains(n));
    if has(&["volume node affinity conflict"]) {
        messages::hint_volume_affinity()
    } else if has(&["unbound immediate PersistentVolumeClaims", "persistentvolumeclaim"]) {
        messages::hint_pvc()
    } else if has(&["didn't match Pod's node affinity", "didn't match node selector"]) {
        messages::hint_node_selector()
    } else if has(&["taint"]) {
        messages::hint_taint()
    } else if has(&["Too many pods"]) {
        messages::hint_too_many_pods()
    } else {
        messages::hint_unschedulable()
    }
}

/// What the pod requests of `resource`, and the most any node that may take it has free.
fn insufficient(resource: &str, evidence: &Evidence) -> String {
    let requested = evidence
        .requested
        .get(resource)
        .map(|r| quantity::display(resource, *r))
        .unwrap_or_else(messages::request_unknown);
    let pods = match (&evidence.node_pods, evidence.nodes.is_empty()) {
        (_, true) => return messages::insufficient_unknown(resource, &requested, &messages::free_no_nodes()),
        (None, false) => return messages::insufficient_unknown(resource, &requested, &messages::free_no_pods()),
        (Some(pods), false) => pods,
    };
    let free = quantity::free_per_node(&evidence.nodes, pods, &evidence.tolerations);
    match quantity::most_free(&free, resource) {
        Some((node, amount)) => {
            messages::insufficient(resource, &requested, &quantity::display(resource, amount.max(0.0)), &node)
        }
        None => messages::insufficient_unknown(resource, &requested, &messages::free_no_eligible_node()),
    }
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

    fn from<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    fn waiting(reason: &str, message: &str) -> Pod {
        from(&format!(
            r#"{{"metadata":{{"name":"web-1","uid":"u-1"}},"status":{{"phase":"Pending","containerStatuses":[
            {{"name":"web","image":"nginx:1","imageID":"","ready":false,"restartCount":0,
             "state":{{"waiting":{{"reason":"{reason}","message":{message:?}}}}}}}]}}}}"#
        ))
    }

    fn failure(reason: &str, message: &str) -> Failure {
        pod_failure(&waiting(reason, message)).unwrap()
    }

    fn event(uid: &str, kind: &str, name: &str, type_: &str, message: &str, time: &str) -> Event {
        from(&format!(
            r#"{{"metadata":{{"name":"e"}},"involvedObject":{{"kind":"{kind}","name":"{name}","uid":"{uid}"}},
              "reason":"Failed","type":"{type_}","message":{message:?},"lastTimestamp":"{time}"}}"#
        ))
    }

    #[test]
    fn a_running_pod_is_no_failure() {
        let ready = from(
            r#"{"metadata":{"name":"web-1"},"status":{"phase":"Running","containerStatuses":[
            {"name":"web","image":"nginx:1","imageID":"","ready":true,"restartCount":0,"state":{"running":{}}}]}}"#,
        );
        assert_eq!(pod_failure(&ready), None);
        assert_eq!(pod_failure(&waiting("ContainerCreating", "")), None, "still starting is not a failure");
    }

    #[test]
    fn every_failing_waiting_reason_is_reported_with_the_uid() {
        for reason in FAILING_WAITING {
            let failure = failure(reason, "m");
            assert_eq!((failure.reason.as_str(), failure.uid.as_deref()), (reason, Some("u-1")));
        }
    }

    #[test]
    fn final_and_transient_reasons() {
        let final_ = [
            failure("InvalidImageName", "couldn't parse image reference \"nginx:\": invalid reference format"),
            failure("ErrImageNeverPull", "Container image \"web:dev\" is not present with pull policy of Never"),
        ];
        for f in &final_ {
            assert_eq!(permanence(f, &[]), Permanence::Final, "{}", f.reason);
        }
        let transient = [
            failure("CrashLoopBackOff", "back-off 40s restarting failed container=web"),
            failure("CreateContainerConfigError", "failed to sync secret cache: timed out waiting for the condition"),
            failure("CreateContainerConfigError", "secret \"app-env\" not found"),
            failure("CreateContainerError", "context deadline exceeded"),
            failure("RunContainerError", "failed to create containerd task"),
            failure("ImagePullBackOff", "Back-off pulling image \"nginx:1\""),
        ];
        for f in &transient {
            assert_eq!(permanence(f, &[]), Permanence::Transient, "{}: {}", f.reason, f.message);
        }
        let job = Failure { kind: "Job".into(), reason: "BackoffLimitExceeded".into(), ..transient[0].clone() };
        assert_eq!(permanence(&job, &[]), Permanence::Final);
        let deadline = Failure { kind: "Deployment".into(), reason: "ProgressDeadlineExceeded".into(), ..job.clone() };
        assert_eq!(permanence(&deadline, &[]), Permanence::Final);
        let quota = Failure { kind: "ReplicaSet".into(), reason: "FailedCreate".into(), ..job.clone() };
        assert_eq!(permanence(&quota, &[]), Permanence::Transient);
        let unschedulable = Failure { kind: "Pod".into(), reason: "Unschedulable".into(), ..job };
        assert_eq!(permanence(&unschedulable, &[]), Permanence::Transient);
    }

    #[test]
    fn pull_errors_by_runtime() {
        let cases = [
            // containerd
            ("failed to resolve reference \"r/web:1\": r/web:1: not found", PullCause::NotFound),
            ("failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized", PullCause::Refused),
            ("pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", PullCause::Refused),
            ("failed to do request: Head \"https://r/v2/web/manifests/1\": x509: certificate signed by unknown authority", PullCause::Tls),
            ("failed to do request: Head \"https://r/v2/web/manifests/1\": dial tcp 10.0.0.5:443: i/o timeout", PullCause::Unreachable),
            ("unexpected status code https://r/v2/web/manifests/sha256:401a: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit", PullCause::RateLimited),
            ("failed to copy: httpReadSeeker: failed open: content at https://r/v2/web/blobs/sha256:4013 not found", PullCause::NotFound),
            // CRI-O
            ("reading manifest 1 in r/web: manifest unknown", PullCause::NotFound),
            ("reading manifest 1 in r/web: unauthorized: authentication required", PullCause::Refused),
            ("pinging container registry r: Get \"https://r/v2/\": dial tcp: lookup r on 10.96.0.10:53: no such host", PullCause::Unreachable),
            ("pinging container registry r: Get \"https://r/v2/\": net/http: TLS handshake timeout", PullCause::Unreachable),
            // dockershim
            ("Error response from daemon: manifest for r/web:1 not found: manifest unknown: manifest unknown", PullCause::NotFound),
            ("Error response from daemon: pull access denied for r/web, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", PullCause::Refused),
            ("Error response from daemon: Get https://r/v2/: net/http: request canceled", PullCause::Other),
        ];
        for (error, cause) in cases {
            assert_eq!(PullCause::of(error), cause, "{error}");
        }
        assert!(!PullCause::of("digest sha256:4011403 does not match").is_final(), "digits in a digest are no status");
    }

    #[test]
    fn back_off_takes_the_cause_from_the_newest_failed_pull() {
        let backoff = failure("ImagePullBackOff", "Back-off pulling image \"nginx:1\"");
        let older = event(
            "u-1",
            "Pod",
            "web-1",
            "Warning",
            "Failed to pull image \"nginx:1\": i/o timeout",
            "2024-05-14T08:00:00Z",
        );
        let newer = event(
            "u-1",
            "Pod",
            "web-1",
            "Warning",
            "Failed to pull image \"nginx:1\": nginx:1: not found",
            "2024-05-14T08:05:00Z",
        );
        // The "Back-off pulling image" event is Normal on real clusters; it tells nothing either way.
        let normal =
            event("u-1", "Pod", "web-1", "Normal", "Back-off pulling image \"nginx:1\"", "2024-05-14T08:06:00Z");
        assert_eq!(permanence(&backoff, &[newer.clone(), older.clone(), normal.clone()]), Permanence::Final);
        assert_eq!(permanence(&backoff, &[older, normal]), Permanence::Transient);
        let pull = failure("ErrImagePull", "rpc error: code = NotFound desc = nginx:1: not found");
        assert_eq!(permanence(&pull, &[]), Permanence::Final, "ErrImagePull's message is the runtime's error");
    }

    #[test]
    fn events_are_matched_by_uid_then_by_kind_and_name() {
        let failure = failure("CrashLoopBackOff", "back-off");
        let evidence = Evidence {
            uids: vec!["u-job".into()],
            events: vec![
                event("u-1", "Pod", "web-1", "Warning", "mine", "2024-05-14T08:00:00Z"),
                event("u-0", "Pod", "web-1", "Warning", "my predecessor's", "2024-05-14T08:01:00Z"),
                event("u-job", "Job", "migrate", "Warning", "my owner's", "2024-05-14T08:02:00Z"),
                event("", "Pod", "web-1", "Warning", "no uid", "2024-05-14T08:03:00Z"),
                event("", "Service", "web-1", "Warning", "another kind", "2024-05-14T08:04:00Z"),
                event("u-2", "Pod", "web-2", "Warning", "another pod", "2024-05-14T08:05:00Z"),
            ],
            ..Default::default()
        };
        let messages: Vec<_> = own_events(&failure, &evidence).into_iter().filter_map(|e| e.message).collect();
        assert_eq!(messages, ["mine", "my owner's", "no uid"]);
    }

    #[test]
    fn events_k8s_io_times_order_the_events() {
        let core = event("u-1", "Pod", "web-1", "Warning", "core", "2024-05-14T08:05:00Z");
        let mut series: Event = from(
            r#"{"metadata":{"name":"s"},"involvedObject":{"kind":"Pod","name":"web-1","uid":"u-1"},
              "eventTime":"2024-05-14T08:00:00.000000Z","series":{"count":4,"lastObservedTime":"2024-05-14T08:09:00.000000Z"}}"#,
        );
        let single: Event = from(
            r#"{"metadata":{"name":"s"},"involvedObject":{"kind":"Pod","name":"web-1","uid":"u-1"},
              "eventTime":"2024-05-14T08:01:00.000000Z"}"#,
        );
        series.message = Some("series".into());
        let single = Event { message: Some("single".into()), ..single };
        let evidence = Evidence { events: vec![series, core, single], ..Default::default() };
        let failure = failure("CrashLoopBackOff", "back-off");
        let order: Vec<_> = own_events(&failure, &evidence).into_iter().filter_map(|e| e.message).collect();
        assert_eq!(order, ["single", "core", "series"]);
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
        let hint = config_hint("failed to sync secret cache: timed out waiting for the condition", "shop").unwrap();
        assert_eq!(hint, messages::hint_config_cache());
    }

    #[test]
    fn scheduler_reasons_by_version() {
        let hint = |message: &str| unschedulable_hint(message, &Evidence::default());
        let taints = [
            "0/3 nodes are available: 3 node(s) had taints that the pod didn't tolerate.",
            "0/3 nodes are available: 3 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate.",
            "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are \
             available: 3 Preemption is not helpful for scheduling.",
        ];
        for message in taints {
            assert_eq!(hint(message), messages::hint_taint(), "{message}");
        }
        let selector = [
            "0/3 nodes are available: 3 node(s) didn't match node selector.",
            "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
        ];
        for message in selector {
            assert_eq!(hint(message), messages::hint_node_selector(), "{message}");
        }
        let volume = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
                      2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is \
                      not helpful for scheduling.";
        assert_eq!(hint(volume), messages::hint_volume_affinity());
        let pvc =
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are \
                   available: 3 Preemption is not helpful for scheduling.";
        assert_eq!(hint(pvc), messages::hint_pvc());
        assert_eq!(hint("0/3 nodes are available: 3 Too many pods."), messages::hint_too_many_pods());
        // Only what precedes "preemption:" classifies the failure.
        let suffix = "0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: \
                      2 node(s) had untolerated taint {node.kubernetes.io/unschedulable: }.";
        assert_eq!(hint(suffix), messages::hint_unschedulable());
    }

    #[test]
    fn insufficient_says_when_free_cannot_be_computed() {
        let message = "0/1 nodes are available: 1 Insufficient cpu.";
        let node: Node = from(r#"{"metadata":{"name":"n1"},"status":{"allocatable":{"cpu":"4"}}}"#);
        let requested = Resources::from([("cpu".to_string(), 2.0)]);
        let no_nodes = Evidence { requested: requested.clone(), ..Default::default() };
        assert!(unschedulable_hint(message, &no_nodes).contains(&messages::free_no_nodes()));
        let no_pods = Evidence { nodes: vec![node.clone()], ..no_nodes.clone() };
        assert!(unschedulable_hint(message, &no_pods).contains(&messages::free_no_pods()));
        let known = Evidence { node_pods: Some(vec![]), ..no_pods };
        let hint = unschedulable_hint(message, &known);
        assert!(hint.contains("requests 2") && hint.contains("4") && hint.contains("`n1`"), "{hint}");
    }
}
