//! User-facing messages of chart-deploy: every text comes from the catalogue
//! (`locales/<lang>/chart-deploy.ftl`), in the run's language. The functions take plain values
//! (names, numbers, paths, durations); callers turn their own types into those.

use std::path::Path;
use std::time::Duration;

use deckhand_common::i18n::Catalogue;
use deckhand_common::messages::duration;
use deckhand_common::tr;

/// chart-deploy's messages in every language.
pub(crate) static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/chart-deploy.ftl"), include_str!("../locales/zh-CN/chart-deploy.ftl"));

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

// ---- rollout diagnoses: hints ----

pub fn hint_pull_secret_missing(secret: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-pull-secret-missing", secret = secret, namespace = namespace)
}

pub fn hint_image_not_found(image: &str) -> String {
    tr!(CATALOGUE, "hint-image-not-found", image = image)
}

pub fn hint_pull_refused(image: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-pull-refused", image = image, namespace = namespace)
}

pub fn hint_pull_tls() -> String {
    tr!(CATALOGUE, "hint-pull-tls")
}

pub fn hint_pull_rate_limit() -> String {
    tr!(CATALOGUE, "hint-pull-rate-limit")
}

pub fn hint_pull_unreachable() -> String {
    tr!(CATALOGUE, "hint-pull-unreachable")
}

pub fn hint_pull_other() -> String {
    tr!(CATALOGUE, "hint-pull-other")
}

pub fn hint_invalid_image(image: &str) -> String {
    tr!(CATALOGUE, "hint-invalid-image", image = image)
}

pub fn hint_never_pull(image: &str) -> String {
    tr!(CATALOGUE, "hint-never-pull", image = image)
}

/// What a hint calls an image whose reference is not known.
pub fn the_image() -> String {
    tr!(CATALOGUE, "the-image")
}

pub fn hint_oom() -> String {
    tr!(CATALOGUE, "hint-oom")
}

/// A crash loop; `code` is the last exit code, if known.
pub fn hint_crash(code: Option<i32>) -> String {
    match code {
        Some(code) => tr!(CATALOGUE, "hint-crash-code", code = i64::from(code)),
        None => tr!(CATALOGUE, "hint-crash"),
    }
}

pub fn hint_run_container() -> String {
    tr!(CATALOGUE, "hint-run-container")
}

pub fn hint_config_missing(kind: &str, name: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-config-missing", kind = kind, name = name, namespace = namespace)
}

pub fn hint_config_key_missing(key: &str, kind: &str, name: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-config-key-missing", key = key, kind = kind, name = name, namespace = namespace)
}

pub fn hint_config_cache() -> String {
    tr!(CATALOGUE, "hint-config-cache")
}

pub fn hint_config_other() -> String {
    tr!(CATALOGUE, "hint-config-other")
}

/// The resources the pod lacks (each an [`insufficient`] text), and what to do.
pub fn hint_insufficient(shortages: &[String]) -> String {
    let shortages = shortages.join(&tr!(CATALOGUE, "shortage-separator"));
    tr!(CATALOGUE, "hint-insufficient", shortages = shortages)
}

pub fn insufficient(resource: &str, requested: &str, free: &str, node: &str) -> String {
    tr!(CATALOGUE, "insufficient", resource = resource, requested = requested, free = free, node = node)
}

pub fn insufficient_unknown(resource: &str, requested: &str, why: &str) -> String {
    tr!(CATALOGUE, "insufficient-unknown", resource = resource, requested = requested, why = why)
}

pub fn request_unknown() -> String {
    tr!(CATALOGUE, "request-unknown")
}

pub fn free_no_nodes() -> String {
    tr!(CATALOGUE, "free-no-nodes")
}

pub fn free_no_pods() -> String {
    tr!(CATALOGUE, "free-no-pods")
}

pub fn free_no_eligible_node() -> String {
    tr!(CATALOGUE, "free-no-eligible-node")
}

pub fn hint_node_selector() -> String {
    tr!(CATALOGUE, "hint-node-selector")
}

pub fn hint_taint() -> String {
    tr!(CATALOGUE, "hint-taint")
}

pub fn hint_pvc() -> String {
    tr!(CATALOGUE, "hint-pvc")
}

pub fn hint_volume_affinity() -> String {
    tr!(CATALOGUE, "hint-volume-affinity")
}

pub fn hint_too_many_pods() -> String {
    tr!(CATALOGUE, "hint-too-many-pods")
}

pub fn hint_unschedulable() -> String {
    tr!(CATALOGUE, "hint-unschedulable")
}

pub fn hint_quota(quota: &str, detail: &str) -> String {
    tr!(CATALOGUE, "hint-quota", quota = quota, detail = detail)
}

pub fn hint_failed_create() -> String {
    tr!(CATALOGUE, "hint-failed-create")
}

pub fn hint_progress_deadline() -> String {
    tr!(CATALOGUE, "hint-progress-deadline")
}

pub fn hint_job_failed(reason: &str) -> String {
    tr!(CATALOGUE, "hint-job-failed", reason = reason)
}

// ---- rollout diagnoses: the error text ----

/// `kind` is the failing object's kind as Kubernetes writes it, lowercased (`pod`).
pub fn rollout_failed(kind: &str, name: &str, reason: &str) -> String {
    tr!(CATALOGUE, "rollout-failed", kind = kind, name = name, reason = reason)
}

/// The failing object, its container if any, and what Kubernetes said about it (`detail`).
pub fn diagnosis_object(kind: &str, name: &str, container: Option<&str>, namespace: &str, detail: &str) -> String {
    let object = match container {
        Some(container) => tr!(
            CATALOGUE,
            "diagnosis-object-container",
            kind = kind,
            name = name,
            container = container,
            namespace = namespace
        ),
        None => tr!(CATALOGUE, "diagnosis-object", kind = kind, name = name, namespace = namespace),
    };
    if detail.is_empty() {
        object
    } else {
        tr!(CATALOGUE, "with-detail", text = object, detail = detail)
    }
}

pub fn diagnosis_last_exit(code: i32, reason: &str) -> String {
    tr!(CATALOGUE, "diagnosis-last-exit", code = i64::from(code), reason = reason)
}

pub fn diagnosis_events() -> String {
    tr!(CATALOGUE, "diagnosis-events")
}

pub fn diagnosis_log() -> String {
    tr!(CATALOGUE, "diagnosis-log")
}

pub fn lasted(reason: &str, grace: Duration) -> String {
    tr!(CATALOGUE, "lasted", reason = reason, grace = duration(grace))
}

pub fn gathered_diagnosis(ms: u128) -> String {
    tr!(CATALOGUE, "gathered-diagnosis", ms = u64::try_from(ms).unwrap_or(u64::MAX))
}

// ---- waiting ----

pub fn waiting_for(count: usize, timeout: Option<Duration>) -> String {
    match timeout {
        Some(limit) => tr!(CATALOGUE, "waiting-for", count = count, limit = duration(limit)),
        None => tr!(CATALOGUE, "waiting-for-no-limit", count = count),
    }
}

/// `workload` is `kind/name` (`deployment/web`).
pub fn workload_ready(workload: &str, ready: i32, desired: i32) -> String {
    tr!(CATALOGUE, "workload-ready", workload = workload, ready = i64::from(ready), desired = i64::from(desired))
}

pub fn workload_complete(workload: &str) -> String {
    tr!(CATALOGUE, "workload-complete", workload = workload)
}

pub fn workload_running(workload: &str) -> String {
    tr!(CATALOGUE, "workload-running", workload = workload)
}

/// `pending`: the workloads not ready and the troubles waited out, each a line of its own.
pub fn timed_out(after: Duration, pending: &[String]) -> String {
    let pending = deckhand_common::messages::list(pending);
    tr!(CATALOGUE, "timed-out", after = duration(after), pending = pending)
}

pub fn hint_timeout() -> String {
    tr!(CATALOGUE, "hint-timeout")
}

pub fn waiting_out(what: &str, reason: &str, grace: Duration) -> String {
    tr!(CATALOGUE, "waiting-out", what = what, reason = reason, grace = duration(grace))
}

pub fn recovered_from(what: &str, reason: &str) -> String {
    tr!(CATALOGUE, "recovered-from", what = what, reason = reason)
}

pub fn watch_ended() -> String {
    tr!(CATALOGUE, "watch-ended")
}

pub fn while_waiting() -> String {
    tr!(CATALOGUE, "while-waiting")
}

pub fn watch_refused(server: &str, why: &str) -> String {
    tr!(CATALOGUE, "watch-refused", server = server, why = why)
}

pub fn watch_resuming(why: &str) -> String {
    tr!(CATALOGUE, "watch-resuming", why = why)
}

/// What was being done when the cluster refused (for `api_error`).
pub fn reading_workloads(namespace: &str) -> String {
    tr!(CATALOGUE, "reading-workloads", namespace = namespace)
}

pub fn atomic_waits(limit: Duration) -> String {
    tr!(CATALOGUE, "atomic-waits", limit = duration(limit))
}

// ---- helm ----

pub fn helm_probe_panicked() -> String {
    tr!(CATALOGUE, "helm-probe-panicked")
}

pub fn helm_not_found() -> String {
    tr!(CATALOGUE, "helm-not-found")
}

pub fn hint_helm_not_found() -> String {
    tr!(CATALOGUE, "hint-helm-not-found")
}

pub fn helm_not_runnable(path: &Path, why: &str) -> String {
    tr!(CATALOGUE, "helm-not-runnable", path = path, why = why)
}

pub fn helm_no_version() -> String {
    tr!(CATALOGUE, "helm-no-version")
}

/// A versioned helm chosen for the cluster; `passed_over` is the helm on PATH (path, version).
pub fn helm_chosen(path: &Path, version: &str, passed_over: Option<(&Path, &str)>, cluster: &str) -> String {
    match passed_over {
        Some((other_path, other_version)) => tr!(
            CATALOGUE,
            "helm-chosen-over",
            path = path,
            version = version,
            cluster = cluster,
            other_path = other_path,
            other_version = other_version
        ),
        None => tr!(CATALOGUE, "helm-chosen", path = path, version = version, cluster = cluster),
    }
}

pub fn helm2_too_new_cluster(helm: &str, cluster: &str) -> String {
    tr!(CATALOGUE, "helm2-too-new-cluster", helm = helm, cluster = cluster)
}

pub fn helm_too_new_for(helm: &str, cluster: &str) -> String {
    tr!(CATALOGUE, "helm-too-new-for", helm = helm, cluster = cluster)
}

pub fn skew_untested(helm: &str, low: u32, high: u32, cluster: &str) -> String {
    tr!(CATALOGUE, "skew-untested", helm = helm, low = low, high = high, cluster = cluster)
}

pub fn hint_skew() -> String {
    tr!(CATALOGUE, "hint-skew")
}

pub fn skew_ignored(why: &str) -> String {
    tr!(CATALOGUE, "skew-ignored", why = why)
}

pub fn helm_failed(action: &str, said: &str) -> String {
    tr!(CATALOGUE, "helm-failed", action = action, said = said)
}

pub fn helm_stopped(action: &str) -> String {
    tr!(CATALOGUE, "helm-stopped", action = action)
}

pub fn running_helm(path: &Path, args: &str) -> String {
    tr!(CATALOGUE, "running-helm", path = path, args = args)
}

pub fn hint_pending() -> String {
    tr!(CATALOGUE, "hint-pending")
}

pub fn hint_ownership() -> String {
    tr!(CATALOGUE, "hint-ownership")
}

pub fn hint_node_port() -> String {
    tr!(CATALOGUE, "hint-node-port")
}

pub fn hint_render() -> String {
    tr!(CATALOGUE, "hint-render")
}

pub fn hint_ssa_conflict() -> String {
    tr!(CATALOGUE, "hint-ssa-conflict")
}

pub fn template_default_capabilities() -> String {
    tr!(CATALOGUE, "template-default-capabilities")
}

pub fn bad_helm_output(why: &str) -> String {
    tr!(CATALOGUE, "bad-helm-output", why = why)
}

pub fn helm_history_empty() -> String {
    tr!(CATALOGUE, "helm-history-empty")
}

// ---- pre-flight ----

pub fn pull_secret_missing(secret: &str, namespace: &str, user: &str) -> String {
    tr!(CATALOGUE, "pull-secret-missing", secret = secret, namespace = namespace, user = user)
}

pub fn secret_unchecked(secret: &str) -> String {
    tr!(CATALOGUE, "secret-unchecked", secret = secret)
}

pub fn reading_secret(secret: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "reading-secret", secret = secret, namespace = namespace)
}

pub fn listing_services() -> String {
    tr!(CATALOGUE, "listing-services")
}

pub fn reading_resource(resource: &str) -> String {
    tr!(CATALOGUE, "reading-resource", resource = resource)
}

pub fn node_ports_namespace_only() -> String {
    tr!(CATALOGUE, "node-ports-namespace-only")
}

pub fn node_port_taken(port: i64, service: &str, holder: &str) -> String {
    tr!(CATALOGUE, "node-port-taken", port = port, service = service, holder = holder)
}

/// A resource that exists outside the release; `owner` is the release (name, namespace) it
/// belongs to, if any.
pub fn resource_taken(resource: &str, namespace: &str, owner: Option<(&str, &str)>) -> String {
    match owner {
        Some((owner, owner_namespace)) => tr!(
            CATALOGUE,
            "resource-taken-by-release",
            resource = resource,
            namespace = namespace,
            owner = owner,
            owner_namespace = owner_namespace
        ),
        None => tr!(CATALOGUE, "resource-taken", resource = resource, namespace = namespace),
    }
}

pub fn hint_adopt(kind: &str, name: &str, namespace: &str, release: &str, release_namespace: &str) -> String {
    tr!(
        CATALOGUE,
        "hint-adopt",
        kind = kind,
        name = name,
        namespace = namespace,
        release = release,
        release_namespace = release_namespace
    )
}

/// The findings, each (message, hint).
pub fn preflight_failed(findings: &[(String, String)]) -> String {
    let listing: Vec<String> = findings
        .iter()
        .map(|(message, hint)| tr!(CATALOGUE, "preflight-finding", message = message, hint = hint))
        .collect();
    tr!(CATALOGUE, "preflight-failed", count = findings.len(), listing = listing.join("\n"))
}

pub fn hint_preflight() -> String {
    tr!(CATALOGUE, "hint-preflight")
}

// ---- pending releases ----

pub fn release_pending(release: &str, namespace: &str, revision: u32, status: &str) -> String {
    tr!(CATALOGUE, "release-pending", release = release, namespace = namespace, revision = revision, status = status)
}

/// The way out is a rollback to revision `to`.
pub fn hint_recover_rollback(to: u32, release: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-recover-rollback", to = to, release = release, namespace = namespace)
}

/// The way out is removing the pending revision of a first install.
pub fn hint_recover_remove(release: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "hint-recover-remove", release = release, namespace = namespace)
}

pub fn recovered_rollback(release: &str, to: u32) -> String {
    tr!(CATALOGUE, "recovered-rollback", release = release, to = to)
}

pub fn recovered_removed(release: &str, revisions: &[u32]) -> String {
    let numbers: Vec<String> = revisions.iter().map(u32::to_string).collect();
    let list = deckhand_common::messages::list(&numbers);
    tr!(CATALOGUE, "recovered-removed", release = release, count = revisions.len(), revisions = list)
}

pub fn pending_not_blocking(helm: &str, revision: u32, status: &str) -> String {
    tr!(CATALOGUE, "pending-not-blocking", helm = helm, revision = revision, status = status)
}

// ---- release records ----

pub fn reading_history(release: &str) -> String {
    tr!(CATALOGUE, "reading-history", release = release)
}

pub fn removing_revision(object: &str) -> String {
    tr!(CATALOGUE, "removing-revision", object = object)
}

pub fn recording_outcome(object: &str) -> String {
    tr!(CATALOGUE, "recording-outcome", object = object)
}

pub fn storage_out_of_reach() -> String {
    tr!(CATALOGUE, "storage-out-of-reach")
}

/// The description a failed rollout gets in helm's history (helm writes `Upgrade "x" failed: ...`).
pub fn failed_description(why: &str) -> String {
    let first = why.lines().next().unwrap_or(why);
    tr!(CATALOGUE, "failed-description", why = first)
}

pub fn recorded_failed(revision: u32) -> String {
    tr!(CATALOGUE, "recorded-failed", revision = revision)
}

pub fn record_not_written(why: &str) -> String {
    tr!(CATALOGUE, "record-not-written", why = why)
}

// ---- the deploy ----

pub fn bad_grace(text: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-grace", text = text, why = why)
}

pub fn not_a_duration() -> String {
    tr!(CATALOGUE, "not-a-duration")
}

pub fn bad_timeout(text: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-timeout", text = text, why = why)
}

pub fn bad_release(name: &str) -> String {
    tr!(CATALOGUE, "bad-release", name = name)
}

pub fn chart_missing(path: &Path) -> String {
    tr!(CATALOGUE, "chart-missing", path = path)
}

pub fn not_a_chart(path: &Path) -> String {
    tr!(CATALOGUE, "not-a-chart", path = path)
}

pub fn hint_chart_missing() -> String {
    tr!(CATALOGUE, "hint-chart-missing")
}

pub fn values_missing(path: &Path) -> String {
    tr!(CATALOGUE, "values-missing", path = path)
}

pub fn bad_manifest(why: &str) -> String {
    tr!(CATALOGUE, "bad-manifest", why = why)
}

pub fn replicas_unused(key: &str, replicas: u32) -> String {
    tr!(CATALOGUE, "replicas-unused", key = key, replicas = replicas)
}

pub fn other_namespace(resource: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "other-namespace", resource = resource, namespace = namespace)
}

pub fn rolled_back(to: u32) -> String {
    tr!(CATALOGUE, "rolled-back", to = to)
}

pub fn rolled_back_unverified(to: u32) -> String {
    tr!(CATALOGUE, "rolled-back-unverified", to = to)
}

pub fn uninstalled() -> String {
    tr!(CATALOGUE, "uninstalled")
}

pub fn rollback_failed(why: &str) -> String {
    tr!(CATALOGUE, "rollback-failed", why = why)
}

pub fn uninstall_failed(why: &str) -> String {
    tr!(CATALOGUE, "uninstall-failed", why = why)
}

// ---- the result ----

pub fn result_release(release: &str, namespace: &str, revision: u32, status: &str) -> String {
    tr!(CATALOGUE, "result-release", release = release, namespace = namespace, revision = revision, status = status)
}

pub fn result_release_dry_run(release: &str, namespace: &str, revision: u32) -> String {
    tr!(CATALOGUE, "result-release-dry-run", release = release, namespace = namespace, revision = revision)
}

pub fn result_chart(chart: &str, version: &str, app: Option<&str>) -> String {
    match app {
        Some(app) => tr!(CATALOGUE, "result-chart-app", chart = chart, version = version, app = app),
        None => tr!(CATALOGUE, "result-chart", chart = chart, version = version),
    }
}

pub fn result_namespace_created(namespace: &str) -> String {
    tr!(CATALOGUE, "result-namespace-created", namespace = namespace)
}

pub fn result_planned(workload: &str, replicas: i32) -> String {
    tr!(CATALOGUE, "result-planned", workload = workload, count = i64::from(replicas))
}

pub fn result_ready_after(seconds: f64) -> String {
    tr!(CATALOGUE, "result-ready-after", seconds = format!("{seconds:.1}"))
}

pub fn not_waited() -> String {
    tr!(CATALOGUE, "not-waited")
}

pub fn result_cluster(server: &str, version: &str, helm: &str) -> String {
    tr!(CATALOGUE, "result-cluster", server = server, version = version, helm = helm)
}

pub fn summary(release: &str, revision: u32, status: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "summary", release = release, revision = revision, status = status, namespace = namespace)
}

// ---- --help ----

/// `--help`'s examples (the English help; the Chinese one is `locales/zh-CN/help.ftl`).
pub const EXAMPLES: &str = "Examples:
  chart-deploy ./charts/web --release web -n shop --timeout 5m
  chart-deploy web-1.2.0.tgz --release web -n shop -f prod.yaml --set image.tag=1.2.0 --replicas 3 --atomic --timeout 10m
  KUBECONFIG_CONTENT=\"$(cat kubeconfig)\" chart-deploy ./web --release web -n shop --timeout 0
  chart-deploy ./web --release web -n shop --dry-run

--timeout: unset = do not wait (with --atomic: 5m, as helm), 0 = wait forever, a duration (300, 90s, 5m).
--grace: how long a state that clusters recover from (Unschedulable, a full quota, a missing Secret,
CrashLoopBackOff, a pull failing on the network) may last before it fails the deploy; a missing image,
a refused pull, an invalid image name, ProgressDeadlineExceeded and a failed Job fail at once.
Every option can also come from PLUGIN_<NAME> (Drone/Woodpecker) or the BK-CI input.json.";
