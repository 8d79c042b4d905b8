//! User-facing messages of chart-deploy, kept together for translation.

use std::time::Duration;

// ---- rollout diagnoses ----

pub fn hint_pull_secret_missing(secret: &str, namespace: &str) -> String {
    format!(
        "imagePullSecret `{secret}` does not exist in namespace `{namespace}`: create it, e.g. \
         `pull-secret {secret} -n {namespace} --registry HOST --username USER --password-stdin`"
    )
}

pub fn hint_image_not_found(image: &str) -> String {
    format!("image not found in registry: `{image}` does not exist; check the repository name and the tag")
}

pub fn hint_pull_refused(image: &str, namespace: &str) -> String {
    format!(
        "the registry refused to give `{image}` to the node: reference an imagePullSecret with credentials that may \
         pull it (create one in `{namespace}` with pull-secret), or check the repository name"
    )
}

pub const HINT_PULL_TLS: &str = "the node does not trust the registry's certificate: add the registry's CA to the \
container runtime on the nodes (containerd certs.d / docker certs.d)";
pub const HINT_PULL_RATE_LIMIT: &str =
    "the registry is rate-limiting pulls: use authenticated pulls or a mirror (e.g. Harbor proxy cache)";
pub const HINT_PULL_UNREACHABLE: &str =
    "the node cannot reach the registry: check DNS, the network path and the proxy settings of the container runtime";
pub const HINT_PULL_OTHER: &str = "the image cannot be pulled; see the events above";

pub fn hint_invalid_image(image: &str) -> String {
    format!("`{image}` is not a valid image reference: check the repository and tag values")
}

pub const HINT_OOM: &str =
    "the container was killed for using more memory than its limit (OOMKilled): raise resources.limits.memory";

pub fn hint_crash(code: i32) -> String {
    let code = if code >= 0 { format!(" with code {code}") } else { String::new() };
    format!(
        "the container exits{code} soon after starting and Kubernetes keeps restarting it: see its log above; \
         check its configuration (environment, config files, the services it connects to)"
    )
}

pub fn hint_config_missing(kind: &str, name: &str, namespace: &str) -> String {
    format!("{kind} `{name}` does not exist in namespace `{namespace}`: create it, or fix the reference in the chart")
}

pub fn hint_config_key_missing(key: &str, kind: &str, name: &str, namespace: &str) -> String {
    format!("{kind} `{name}` in namespace `{namespace}` has no key `{key}`: add it, or fix the reference in the chart")
}

pub const HINT_CONFIG_OTHER: &str =
    "the container cannot be configured; check the Secrets, ConfigMaps and volumes its spec refers to";

pub const HINT_INSUFFICIENT: &str =
    "; lower the chart's resources.requests, or free or add capacity (requests count, not actual use)";
pub const HINT_NODE_SELECTOR: &str =
    "no node matches the pod's nodeSelector/affinity: check the labels it asks for against `kubectl get nodes --show-labels`";
pub const HINT_TAINT: &str =
    "every fitting node has a taint the pod does not tolerate: add a toleration or use other nodes";
pub const HINT_PVC: &str = "a PersistentVolumeClaim of the pod is not bound: check its StorageClass and provisioner";
pub const HINT_UNSCHEDULABLE: &str = "no node can take the pod; see the scheduler's message above";

pub fn hint_quota(quota: &str, detail: &str) -> String {
    format!(
        "the namespace's ResourceQuota `{quota}` is full ({detail}): raise the quota, or lower the chart's replicas \
         or resource requests"
    )
}

pub const HINT_FAILED_CREATE: &str =
    "the ReplicaSet may not create pods (admission refused them); see the message above";
pub const HINT_PROGRESS_DEADLINE: &str =
    "the Deployment made no progress within its progressDeadlineSeconds: look at its newest pods and their events";

pub fn hint_job_failed(reason: &str) -> String {
    format!("the Job gave up ({reason}): see the log of its failed pod above")
}

// ---- waiting ----

pub fn waiting_for(count: usize, timeout: Option<Duration>) -> String {
    let limit = match timeout {
        Some(t) => format!("at most {}", humantime::format_duration(t)),
        None => "with no time limit".to_string(),
    };
    format!("waiting for {count} workload(s) to be ready, {limit}")
}

pub fn rollout_failed(what: &str, reason: &str) -> String {
    format!("the rollout failed: {what} is in {reason}")
}

pub fn timed_out(after: Duration, pending: &str) -> String {
    format!("the workloads were not ready within {}: {pending}", humantime::format_duration(after))
}

pub const HINT_TIMEOUT: &str =
    "nothing failed outright; the pods are slow to become ready: raise --timeout, or check their readiness probes";

// ---- helm ----

pub const HELM_PROBE_PANICKED: &str = "asking helm for its version failed unexpectedly";
pub const HELM_NOT_FOUND: &str = "helm was not found on PATH";
pub const HINT_HELM_NOT_FOUND: &str =
    "install helm (3 or 4; 2 or 3.0/3.1 for Kubernetes 1.14/1.15), or pass --helm PATH; \
the Deckhand agent image ships one";

pub fn helm_not_runnable(path: &std::path::Path, why: &str) -> String {
    format!("cannot run helm at {}: {why}", path.display())
}

pub fn helm_chosen(chosen: &crate::helm::Helm, passed_over: Option<&crate::helm::Helm>, cluster: &str) -> String {
    let why = match passed_over {
        Some(helm) => format!(": it suits that version better than {} ({})", helm.path.display(), helm.version),
        None => String::new(),
    };
    format!("using {} ({}) for Kubernetes {cluster}{why}", chosen.path.display(), chosen.version)
}

pub fn helm2_too_new_cluster(helm: &semver::Version, cluster: &str) -> String {
    format!(
        "helm {helm} (Helm 2, Tiller) supports Kubernetes up to 1.16, but the cluster runs {cluster}: use Helm 3 or 4"
    )
}

pub fn helm_too_new_for(helm: &semver::Version, cluster: &str) -> String {
    format!(
        "helm {helm} does not support Kubernetes {cluster}: for 1.14/1.15 use Helm 2 with Tiller (--tiller-namespace) \
         or a Helm 3.0/3.1 binary (--helm PATH)"
    )
}

pub fn skew_untested(helm: &semver::Version, low: u32, high: u32, cluster: &str) -> String {
    format!("helm {helm} is made for Kubernetes 1.{low} to 1.{high}; the cluster runs {cluster}")
}

pub const HINT_SKEW: &str =
    "pass a helm that matches the cluster with --helm PATH, or --ignore-version-skew to go ahead anyway";

pub fn helm_failed(action: &str, said: &str) -> String {
    format!("helm {action} failed:\n  {said}")
}

pub fn helm_stopped(action: &str) -> String {
    format!("during helm {action} (helm was given the signal and has exited)")
}

pub const HINT_PENDING: &str =
    "a previous helm run on this release was killed mid-operation and left it pending; make \
sure no other deploy of it is running, then re-run with --recover-pending";
pub const HINT_OWNERSHIP: &str = "a resource of the chart already exists outside this release; see the pre-flight \
findings, or adopt it with --helm-arg=--take-ownership (helm >= 3.17)";
pub const HINT_NODE_PORT: &str =
    "another Service holds that nodePort: choose a free one in the values, or leave nodePort unset";
pub const HINT_RENDER: &str = "the chart does not render with these values: check the values files and --set options";

// ---- pre-flight ----

pub fn pull_secret_missing(secret: &str, namespace: &str, user: &str) -> String {
    format!("imagePullSecret `{secret}` (used by {user}) does not exist in namespace `{namespace}`")
}

pub const NODE_PORTS_NAMESPACE_ONLY: &str =
    "cannot list Services in all namespaces (forbidden); nodePorts are checked against this namespace only";

pub fn node_port_taken(port: i64, service: &str, holder: &str) -> String {
    format!("nodePort {port} of service/{service} is already allocated to service {holder}")
}

pub fn belongs_to_release(release: &str, namespace: &str) -> String {
    format!("belongs to release {release} in namespace {namespace}")
}

pub const BELONGS_TO_NO_RELEASE: &str = "belongs to no helm release";

pub fn resource_taken(resource: &str, namespace: &str, belongs: &str) -> String {
    format!("{resource} already exists in namespace {namespace} and {belongs}; helm would refuse it (invalid ownership metadata)")
}

pub fn hint_adopt(kind: &str, name: &str, namespace: &str, release: &str, release_namespace: &str) -> String {
    format!(
        "if this release should own it: `kubectl -n {namespace} label {kind} {name} app.kubernetes.io/managed-by=Helm` \
         and `kubectl -n {namespace} annotate {kind} {name} meta.helm.sh/release-name={release} \
         meta.helm.sh/release-namespace={release_namespace}` (or --helm-arg=--take-ownership with helm >= 3.17); \
         otherwise rename it in the chart"
    )
}

pub fn preflight_failed(count: usize, listing: &str) -> String {
    format!("pre-flight found {count} problem(s); nothing was changed:\n{listing}")
}

pub const HINT_PREFLIGHT: &str = "fix the above, or skip these checks with --no-preflight";

pub fn release_pending(release: &str, namespace: &str, revision: u32, status: &str) -> String {
    format!(
        "release {release} in namespace {namespace} is stuck in {status} (revision {revision}): a helm run was killed \
         mid-operation, and helm refuses new operations (\"another operation (install/upgrade/rollback) is in progress\")"
    )
}

pub fn hint_recover(recovery: &crate::release::Recovery, release: &str, namespace: &str) -> String {
    match recovery {
        crate::release::Recovery::Rollback(to) => format!(
            "make sure no other deploy of it is running, then re-run with --recover-pending: it rolls back to revision \
             {to}, the last deployed one (as `helm rollback {release} {to} -n {namespace}` would)"
        ),
        crate::release::Recovery::RemovePending(_) => format!(
            "make sure no other deploy of it is running, then re-run with --recover-pending: the first install never \
             finished, so its pending revision is removed (as deleting the secret sh.helm.release.v1.{release}.v1 in \
             {namespace} would)"
        ),
    }
}

pub fn recovered_rollback(release: &str, to: u32) -> String {
    format!("recovered release {release}: rolled back to revision {to}")
}

pub fn recovered_removed(release: &str, revisions: &str) -> String {
    format!("recovered release {release}: removed the pending revision(s) {revisions} of its unfinished first install")
}

pub const WATCH_ENDED: &str = "the watches on the cluster ended unexpectedly";
pub const WHILE_WAITING: &str = "while waiting for the rollout (the release itself was applied)";

pub fn watch_refused(server: &str, why: &str) -> String {
    format!("the cluster {server} refused to let us watch the workloads: {why}")
}

// ---- release records ----

pub fn reading_history(release: &str) -> String {
    format!("read the history of release {release} on")
}

pub fn removing_revision(object: &str) -> String {
    format!("remove the pending revision {object} on")
}

pub fn recording_outcome(object: &str) -> String {
    format!("record the rollout's outcome in {object} on")
}

pub const STORAGE_OUT_OF_REACH: &str = "the release records are kept outside the cluster (HELM_DRIVER=sql or memory), \
where chart-deploy cannot change them: remove the pending revision with helm's own tools";

/// The description a failed rollout gets in helm's history (helm writes `Upgrade "x" failed: ...`).
pub fn failed_description(why: &str) -> String {
    let first = why.lines().next().unwrap_or(why);
    format!("chart-deploy: the rollout failed: {first}")
}

pub fn recorded_failed(revision: u32) -> String {
    format!("revision {revision} is recorded failed in the release history")
}

pub fn record_not_written(why: &str) -> String {
    format!("the release history could not be updated with the rollout's outcome: {why}")
}

pub fn pending_not_blocking(helm: &semver::Version, revision: u32, status: &str) -> String {
    format!(
        "revision {revision} is stuck in {status}; helm {helm} goes on from the last deployed revision regardless \
         (helm 3.4+ would refuse)"
    )
}

pub fn atomic_waits(default: Duration) -> String {
    format!(
        "--atomic without --timeout: waiting at most {} (as helm's --atomic implies --wait)",
        humantime::format_duration(default)
    )
}

pub fn rolled_back_unverified(to: u32) -> String {
    format!(
        "--atomic: rolled back to revision {to}, the last deployed one (no revision was seen ready by chart-deploy)"
    )
}

pub const TEMPLATE_DEFAULT_CAPABILITIES: &str = "this helm has no `helm template --kube-version`: the pre-flight \
renders with helm's built-in capabilities (charts that branch on the Kubernetes version may differ)";

pub fn waiting_out(what: &str, reason: &str, grace: Duration) -> String {
    format!(
        "{what}: {reason}; clusters often recover from this, waiting up to {} before calling it a failure",
        humantime::format_duration(grace)
    )
}

pub fn recovered_from(what: &str, reason: &str) -> String {
    format!("{what}: recovered from {reason}")
}

pub fn lasted(reason: &str, grace: Duration) -> String {
    format!("{reason} lasted longer than the grace period ({})", humantime::format_duration(grace))
}

pub const HINT_SSA_CONFLICT: &str = "another field manager (kubectl edit/scale, an operator, an autoscaler) owns \
fields the chart sets: let helm take them with --helm-arg=--force-conflicts (helm 4), or stop the other writer";

pub fn bad_grace(text: &str, why: &str) -> String {
    format!("--grace {text:?} is not a duration ({why}): use e.g. 90s or 2m; 0 fails at the first sign of trouble")
}

// ---- the deploy ----

pub fn bad_timeout(text: &str, why: &str) -> String {
    format!("--timeout {text:?} is not a duration ({why}): use e.g. 300, 90s, 5m or 1h; 0 waits forever")
}

pub fn bad_release(name: &str) -> String {
    format!("the release name {name:?} is not valid: lowercase letters, digits and '-', at most 53 characters")
}

pub fn chart_missing(path: &std::path::Path) -> String {
    format!("the chart {} does not exist", path.display())
}

pub fn not_a_chart(path: &std::path::Path) -> String {
    format!("{} is a folder without a Chart.yaml", path.display())
}

pub const HINT_CHART_MISSING: &str =
    "give a chart folder (with Chart.yaml) or a .tgz; chart-fetch gets one from a repository";

pub fn values_missing(path: &std::path::Path) -> String {
    format!("the values file {} does not exist", path.display())
}

pub fn skew_ignored(why: &str) -> String {
    format!("{why} (going ahead: --ignore-version-skew)")
}

pub fn bad_manifest(why: &str) -> String {
    format!("the rendered manifest cannot be read: {why}")
}

pub fn bad_helm_output(why: &str) -> String {
    format!("helm's report of the release cannot be read: {why}")
}

pub fn replicas_unused(key: &str, replicas: u32) -> String {
    format!(
        "--replicas {replicas} was passed as {key}={replicas}, but no Deployment or StatefulSet of the chart got \
         {replicas} replicas: the chart may call the value otherwise (set --replicas-key)"
    )
}

pub fn rolled_back(to: u32) -> String {
    format!("--atomic: rolled back to revision {to}")
}

pub const UNINSTALLED: &str = "--atomic: the failed first install was uninstalled";

pub fn undo_failed(undo: &str, why: &str) -> String {
    format!("--atomic: the {undo} failed too: {why}")
}

pub fn other_namespace(resource: &str, namespace: &str) -> String {
    format!("{resource} is in namespace {namespace}, outside the release's; it is not waited for")
}

pub const NOT_WAITED: &str = "not waited for (no --timeout); pass --timeout 5m to wait, 0 to wait forever";

/// A rollout failure with its evidence, for the error message.
pub fn diagnosis(d: &crate::diagnose::Diagnosis) -> String {
    let f = &d.failure;
    let container = f.container.as_deref().map(|c| format!(" (container {c})")).unwrap_or_default();
    let detail = if f.message.is_empty() { String::new() } else { format!(": {}", f.message) };
    let mut text = format!(
        "{}\n  {} {}{container} in namespace {}{detail}",
        rollout_failed(&format!("{} {}", f.kind.to_lowercase(), f.name), &f.reason),
        f.kind.to_lowercase(),
        f.name,
        d.namespace
    );
    if let Some((code, reason)) = &f.last_exit {
        text.push_str(&format!("\n  last exit: code {code} ({reason})"));
    }
    if !d.events.is_empty() {
        text.push_str("\n  events:");
        for event in d.events.iter().rev().take(5).rev() {
            text.push_str(&format!("\n    {event}"));
        }
    }
    if let Some(log) = d.log_tail.as_deref().filter(|l| !l.trim().is_empty()) {
        text.push_str("\n  last log lines:");
        for line in log.lines() {
            text.push_str(&format!("\n    | {line}"));
        }
    }
    text
}

// ---- diagnosis ----

pub fn hint_never_pull(image: &str) -> String {
    format!(
        "`{image}` is not on the node and its imagePullPolicy is Never: load the image onto the nodes \
         (e.g. `kind load docker-image`, `minikube image load`), or set imagePullPolicy to IfNotPresent"
    )
}

pub const HINT_RUN_CONTAINER: &str =
    "the container runtime could not start the container: check the command, the entrypoint and the volume mounts";
pub const HINT_CONFIG_CACHE: &str = "the kubelet had not yet loaded the pod's Secrets/ConfigMaps (its cache was still \
syncing); this usually clears by itself, otherwise check the node's connection to the API server";
pub const HINT_VOLUME_AFFINITY: &str = "a PersistentVolume of the pod is bound to a zone or node the pod cannot go to \
(volume node affinity conflict): free capacity in that zone, or use a StorageClass with volumeBindingMode \
WaitForFirstConsumer";
pub const HINT_TOO_MANY_PODS: &str =
    "the nodes that fit hold as many pods as they may (their allocatable `pods`): add nodes or remove pods";

pub fn insufficient(resource: &str, requested: &str, free: &str, node: &str) -> String {
    format!(
        "insufficient {resource}: the pod requests {requested}, and the most any node that may take it has free is \
         {free} (node `{node}`)"
    )
}

pub fn insufficient_unknown(resource: &str, requested: &str, why: &str) -> String {
    format!("insufficient {resource}: the pod requests {requested}; what the nodes have free is not known ({why})")
}

pub const REQUEST_UNKNOWN: &str = "an unknown amount";
pub const FREE_NO_NODES: &str = "the nodes could not be listed";
pub const FREE_NO_PODS: &str = "the pods on the nodes may not be listed";
pub const FREE_NO_ELIGIBLE_NODE: &str = "no node may take the pod at all: each is cordoned, NotReady or tainted";
