//! Deploys a local chart with the real helm CLI and waits for it by watching the cluster.
//!
//! [`Deploy::run`] is the whole action, in named pieces: connect and choose a helm for the cluster
//! ([`helm`]); the pre-flight (versions, the namespace, a release stuck in `pending-*` recovered or
//! explained ([`release`]), checks against the rendered manifest ([`preflight`], [`manifest`]));
//! `helm upgrade --install` without helm's wait; our own watch-based wait ([`watch`]) that stops at
//! the first failure with a diagnosis ([`diagnose`]); then the report, or the failed revision
//! recorded and the `--atomic` undo. Every helm call goes through one [`HelmOnCluster`]: the helm
//! binary, the child kubeconfig and the cluster arguments, built once.

pub mod diagnose;
pub mod form;
pub mod helm;
pub mod manifest;
pub mod messages;
pub mod preflight;
pub mod quantity;
pub mod release;
pub mod watch;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use deckhand_common::kube::{self, ChildKubeconfig, Cluster, KubeArgs};
use deckhand_common::output::Outcome;
use deckhand_common::{log, redact, Error, Result};
use serde::Serialize;

use crate::diagnose::Diagnosis;
use crate::helm::{Helm, HelmOnCluster, ReleaseInfo, Skew, Target, Values};
use crate::manifest::Resource;
use crate::preflight::Ownership;
use crate::release::{Recovery, Revision, Storage};
use crate::watch::{Patience, Waited, Workload, WorkloadState};

/// How long `--atomic` waits when no `--timeout` is given: helm's own default `--timeout`.
pub const ATOMIC_DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// How long a failure that clusters recover from may last before it fails the deploy (`--grace`):
/// long enough for a pod's 30 s termination grace to free a quota and for three crash-loop
/// restarts (10 s + 20 s + 40 s back-off) while a dependency starts, short enough to fail well
/// inside helm's 5-minute default timeout.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(90);

/// How long to wait for the workloads after helm has applied the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Report their state and return at once.
    No,
    Forever,
    Within(Duration),
}

impl Wait {
    /// `--timeout`: unset = do not wait, `0` = wait forever, a duration (`5m`, `90s`) or plain
    /// seconds (`300`, as Helm 2 and the BK-CI form take it) = wait at most that long.
    pub fn parse(value: Option<&str>) -> std::result::Result<Wait, String> {
        let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(Wait::No) };
        let duration = match text.parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => humantime::parse_duration(text).map_err(|e| messages::bad_timeout(text, &e.to_string()))?,
        };
        Ok(if duration.is_zero() { Wait::Forever } else { Wait::Within(duration) })
    }

    pub fn limit(self) -> Option<Duration> {
        match self {
            Wait::Within(limit) => Some(limit),
            _ => None,
        }
    }
}

/// One run of chart-deploy.
pub struct Deploy {
    /// A chart folder or `.tgz`.
    pub chart: PathBuf,
    pub target: Target,
    pub values: Values,
    pub wait: Wait,
    /// Undo a failed rollout: roll back to the last healthy revision, or uninstall a first
    /// install. Implies waiting ([`ATOMIC_DEFAULT_WAIT`] when `wait` is [`Wait::No`]), as in helm.
    pub atomic: bool,
    /// How long a transient failure may last ([`DEFAULT_GRACE`]).
    pub grace: Duration,
    /// `HELM_DRIVER`: where helm keeps the release records.
    pub helm_driver: Option<String>,
    pub create_namespace: bool,
    pub dry_run: bool,
    /// Passed to `helm upgrade` as they are.
    pub helm_args: Vec<String>,
    /// `--helm PATH`; else `helm` on PATH.
    pub helm: Option<PathBuf>,
    pub recover_pending: bool,
    pub preflight: bool,
    pub ignore_version_skew: bool,
}

/// What was deployed, and how far its workloads are.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    pub release: String,
    pub namespace: String,
    pub revision: u32,
    pub status: String,
    pub chart: String,
    pub chart_version: String,
    pub app_version: Option<String>,
    pub workloads: Vec<WorkloadState>,
    /// Seconds spent waiting for the workloads; `None` when not asked to wait.
    pub waited_seconds: Option<f64>,
    pub dry_run: bool,
    pub namespace_created: bool,
    /// What `--recover-pending` did, if anything.
    pub recovered: Option<String>,
    pub helm: String,
    pub cluster: String,
    pub kubernetes_version: String,
}

/// What the pre-flight found out before helm changes anything.
struct PreFlight {
    storage: Storage,
    /// The release's revisions before this deploy, oldest first.
    history: Vec<Revision>,
    namespace_created: bool,
    /// What `--recover-pending` did, if anything.
    recovered: Option<String>,
}

impl Deploy {
    pub fn run(&self, kube_args: &KubeArgs) -> Result<Deployed> {
        self.check_inputs()?;
        register_secret_values(&self.values);
        // Asking helm its version costs a helm start-up; it overlaps with connecting to the cluster.
        let explicit = self.helm.clone();
        let locating = std::thread::spawn(move || Helm::locate(explicit.as_deref()));
        let kubeconfig = ChildKubeconfig::for_args(kube_args)?;
        kube::block_on(async {
            let cluster = kube::connect(kube_args).await;
            let located = joined(locating).await.map_err(|_| Error::internal(messages::helm_probe_panicked()))?;
            let cluster = cluster?;
            let helm = HelmOnCluster::new(self.suited_helm(located, &cluster)?, &kubeconfig, kube_args);
            self.deploy(&helm, &cluster, kube_args.kube_timeout).await
        })?
    }

    /// Pre-flight, upgrade, watch, then the report, or the diagnosis and the undo.
    async fn deploy(&self, helm: &HelmOnCluster<'_>, cluster: &Cluster, kube_timeout: Duration) -> Result<Deployed> {
        let before = self.pre_flight(helm, cluster).await?;
        let info = self.apply(helm)?;
        let resources = manifest::parse(&info.manifest).map_err(|e| Error::internal(messages::bad_manifest(&e)))?;
        self.check_replicas_used(&resources);
        let ns = &self.target.namespace;
        let workloads = workloads_of(&resources, ns);
        let mut deployed = self.report(&info, &before, &helm.helm, cluster);
        if self.dry_run {
            deployed.workloads = planned(&resources, &workloads);
            return Ok(deployed);
        }
        let wait = self.effective_wait();
        if wait == Wait::No || workloads.is_empty() {
            deployed.workloads = watch::snapshot(cluster, ns, &workloads).await?;
            return Ok(deployed);
        }
        let started = Instant::now();
        let waited = self.watch(cluster, &workloads, wait, kube_timeout).await?;
        deployed.waited_seconds = Some(started.elapsed().as_secs_f64());
        let error = match waited {
            Waited::Ready(states) => {
                deployed.workloads = states;
                self.record(cluster, before.storage, info.revision, release::Outcome::Verified).await;
                return Ok(deployed);
            }
            Waited::Failed(diagnosis, lasted) => diagnosis_error(&diagnosis, lasted),
            Waited::TimedOut(states, troubles) => timed_out_error(&states, troubles, wait),
        };
        Err(self.failed(helm, cluster, &before, info.revision, error).await)
    }

    /// Everything checked before helm changes anything: the version skew, the namespace, a
    /// release stuck in `pending-*`, and the rendered manifest against the cluster.
    async fn pre_flight(&self, helm: &HelmOnCluster<'_>, cluster: &Cluster) -> Result<PreFlight> {
        self.check_skew(&helm.helm, cluster)?;
        let ns = &self.target.namespace;
        let namespace_created = if self.dry_run {
            kube::ensure_namespace(cluster, ns, false).await.map(|_| false).or_else(|e| {
                if self.create_namespace {
                    Ok(false)
                } else {
                    Err(e)
                }
            })?
        } else {
            kube::ensure_namespace(cluster, ns, self.create_namespace).await?
        };
        let storage = Storage::of(helm.helm.major(), self.helm_driver.as_deref());
        let history = self.history(helm, cluster, storage).await?;
        let recovered = self.handle_pending(helm, cluster, storage, &history).await?;
        if self.preflight {
            self.check_manifest(helm, cluster, &history).await?;
        }
        Ok(PreFlight { storage, history, namespace_created, recovered })
    }

    /// What was deployed, before its workloads are looked at.
    fn report(&self, info: &ReleaseInfo, before: &PreFlight, helm: &Helm, cluster: &Cluster) -> Deployed {
        Deployed {
            release: info.name.clone(),
            namespace: info.namespace.clone(),
            revision: info.revision,
            status: if self.dry_run { "dry-run".to_string() } else { info.info.status.clone() },
            chart: info.chart.metadata.name.clone(),
            chart_version: info.chart.metadata.version.clone(),
            app_version: info.chart.metadata.app_version.clone(),
            workloads: Vec::new(),
            waited_seconds: None,
            dry_run: self.dry_run,
            namespace_created: before.namespace_created,
            recovered: before.recovered.clone(),
            helm: helm.version.to_string(),
            cluster: cluster.server.clone(),
            kubernetes_version: cluster.version.clone(),
        }
    }

    /// Our own wait: watches the workloads until they are ready, fail or time out.
    async fn watch(
        &self,
        cluster: &Cluster,
        workloads: &[Workload],
        wait: Wait,
        kube_timeout: Duration,
    ) -> Result<Waited> {
        log::info(messages::waiting_for(workloads.len(), wait.limit()));
        let patience = Patience { timeout: wait.limit(), grace: self.grace, kube_timeout };
        watch::wait(cluster, &self.target.namespace, workloads, patience).await
    }

    /// After a failed rollout: its revision recorded failed, then the `--atomic` undo.
    async fn failed(
        &self,
        helm: &HelmOnCluster<'_>,
        cluster: &Cluster,
        before: &PreFlight,
        revision: u32,
        error: Error,
    ) -> Error {
        let outcome = release::Outcome::Failed(&error.message);
        if self.record(cluster, before.storage, revision, outcome).await {
            log::info(messages::recorded_failed(revision));
        }
        self.undo_if_atomic(helm, &before.history, error)
    }

    /// `--timeout`, or helm's default when `--atomic` asks to undo a rollout it would not see fail.
    fn effective_wait(&self) -> Wait {
        if self.atomic && self.wait == Wait::No && !self.dry_run {
            log::info(messages::atomic_waits(ATOMIC_DEFAULT_WAIT));
            return Wait::Within(ATOMIC_DEFAULT_WAIT);
        }
        self.wait
    }

    /// The release's revisions: from the cluster where helm keeps them there, else from helm.
    async fn history(&self, helm: &HelmOnCluster<'_>, cluster: &Cluster, storage: Storage) -> Result<Vec<Revision>> {
        if storage.in_cluster() {
            return release::history(cluster, storage, &self.target).await;
        }
        match helm.history(&self.target, 256) {
            Ok(json) => release::from_helm_history(&json).map_err(|e| Error::internal(messages::bad_helm_output(&e))),
            Err(e) if e.message.contains("not found") => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Writes our wait's outcome into helm's record of `revision`; says whether it did. A record
    /// that cannot be written is a warning: the rollout's own outcome stands.
    async fn record(&self, cluster: &Cluster, storage: Storage, revision: u32, outcome: release::Outcome<'_>) -> bool {
        match release::record(cluster, storage, &self.target, revision, outcome).await {
            Ok(written) => written,
            Err(e) => {
                log::warn(messages::record_not_written(&e.message));
                false
            }
        }
    }

    fn check_inputs(&self) -> Result<()> {
        let release = &self.target.release;
        // Helm's own rule: a DNS-1123 label of at most 53 characters.
        if !kube::valid_name(release, 53) || release.contains('.') {
            return Err(Error::usage(messages::bad_release(release)));
        }
        if !kube::valid_name(&self.target.namespace, 63) {
            return Err(Error::usage(kube::bad_name("--namespace", &self.target.namespace)));
        }
        if !self.chart.exists() {
            return Err(Error::input(messages::chart_missing(&self.chart)).hint(messages::hint_chart_missing()));
        }
        if self.chart.is_dir() && !self.chart.join("Chart.yaml").is_file() {
            return Err(Error::input(messages::not_a_chart(&self.chart)).hint(messages::hint_chart_missing()));
        }
        for file in &self.values.files {
            if !file.is_file() {
                return Err(Error::input(messages::values_missing(file)));
            }
        }
        Ok(())
    }

    /// The helm from --helm as it is; else `helm` from PATH unless a versioned helm on PATH
    /// (`helm2`, `helm3.1`...) suits the cluster better, so one agent image serves Kubernetes 1.14
    /// and current clusters alike.
    fn suited_helm(&self, located: Result<Helm>, cluster: &Cluster) -> Result<Helm> {
        if self.helm.is_some() {
            return located;
        }
        let rank = |helm: &Helm| helm.skew(cluster.minor).rank();
        if located.as_ref().is_ok_and(|helm| helm.skew(cluster.minor) == Skew::Supported) {
            return located;
        }
        let located_rank = located.as_ref().map_or(u8::MAX, rank);
        let better = Helm::versioned_on_path()
            .into_iter()
            .map(|helm| (rank(&helm), helm))
            .filter(|(r, _)| *r < located_rank)
            .min_by_key(|(r, _)| *r);
        let Some((_, chosen)) = better else { return located };
        let passed_over = located.ok();
        let passed_over = passed_over.as_ref().map(|h| (h.path.as_path(), h.version.to_string()));
        log::info(messages::helm_chosen(
            &chosen.path,
            &chosen.version.to_string(),
            passed_over.as_ref().map(|(path, version)| (*path, version.as_str())),
            &cluster.version,
        ));
        Ok(chosen)
    }

    fn check_skew(&self, helm: &Helm, cluster: &Cluster) -> Result<()> {
        match helm.skew(cluster.minor) {
            Skew::Supported => Ok(()),
            Skew::Untested(why) => {
                log::warn(why);
                Ok(())
            }
            Skew::Incompatible(why) if self.ignore_version_skew => {
                log::warn(messages::skew_ignored(&why));
                Ok(())
            }
            Skew::Incompatible(why) => Err(Error::input(why).hint(messages::hint_skew())),
        }
    }

    async fn handle_pending(
        &self,
        helm: &HelmOnCluster<'_>,
        cluster: &Cluster,
        storage: Storage,
        history: &[Revision],
    ) -> Result<Option<String>> {
        let Some(stuck) = release::stuck(history) else { return Ok(None) };
        if !helm.helm.refuses_pending() {
            log::warn(messages::pending_not_blocking(&helm.helm.version.to_string(), stuck.number, &stuck.status));
            return Ok(None);
        }
        let (name, ns) = (&self.target.release, &self.target.namespace);
        let recovery = release::recovery(history);
        if !self.recover_pending || self.dry_run {
            let error = Error::input(messages::release_pending(name, ns, stuck.number, &stuck.status));
            let hint = match &recovery {
                Recovery::Rollback(to) => messages::hint_recover_rollback(*to, name, ns),
                Recovery::RemovePending(_) => messages::hint_recover_remove(name, ns),
            };
            return Err(error.hint(hint));
        }
        let done = match &recovery {
            Recovery::Rollback(to) => {
                helm.rollback(&self.target, *to)?;
                messages::recovered_rollback(name, *to)
            }
            Recovery::RemovePending(revisions) => {
                release::remove(cluster, storage, &self.target, revisions).await?;
                let numbers: Vec<u32> = revisions.iter().map(|r| r.number).collect();
                messages::recovered_removed(name, &numbers)
            }
        };
        log::info(&done);
        Ok(Some(done))
    }

    /// The pre-flight checks of the rendered manifest against the cluster.
    async fn check_manifest(&self, helm: &HelmOnCluster<'_>, cluster: &Cluster, history: &[Revision]) -> Result<()> {
        let rendered = self.render(helm, cluster)?;
        let resources = manifest::parse(&rendered).map_err(|e| Error::input(messages::bad_manifest(&e)))?;
        let ownership = Ownership {
            take_ownership: self.helm_args.iter().any(|a| a.starts_with("--take-ownership")),
            adopts_labelled: helm.helm.adopts_labelled(),
            current: match self.current_manifest(helm, history)? {
                Some(manifest) => Ownership::current_from(&manifest, &self.target.namespace),
                None => Default::default(),
            },
        };
        let (release, ns) = (&self.target.release, &self.target.namespace);
        let findings = preflight::check(cluster, release, ns, &resources, &ownership).await?;
        if findings.is_empty() {
            return Ok(());
        }
        let listing: Vec<(String, String)> = findings.into_iter().map(|f| (f.message, f.hint)).collect();
        Err(Error::input(messages::preflight_failed(&listing)).hint(messages::hint_preflight()))
    }

    /// The chart rendered as the cluster would get it: for its version where helm takes
    /// `--kube-version`, else with helm's built-in capabilities.
    fn render(&self, helm: &HelmOnCluster<'_>, cluster: &Cluster) -> Result<String> {
        let template = |version: Option<&str>| helm.template(&self.target, &self.chart, &self.values, version);
        if helm.helm.templates_for_kube_version() {
            match template(Some(&cluster.version)) {
                Err(e) if e.message.contains("unknown flag: --kube-version") => {}
                other => return other,
            }
        }
        log::debug(messages::template_default_capabilities());
        template(None)
    }

    /// The manifest of the release as deployed now, from its stored record, else from helm.
    fn current_manifest(&self, helm: &HelmOnCluster<'_>, history: &[Revision]) -> Result<Option<String>> {
        if history.is_empty() {
            return Ok(None);
        }
        if let Some(manifest) = release::current_manifest(history) {
            return Ok(Some(manifest.to_string()));
        }
        helm.get_manifest(&self.target).map(Some)
    }

    /// `helm upgrade --install`; the release as helm reports it.
    fn apply(&self, helm: &HelmOnCluster<'_>) -> Result<ReleaseInfo> {
        let printed = helm.upgrade(&self.target, &self.chart, &self.values, self.dry_run, &self.helm_args)?;
        if helm.helm.major() >= 3 {
            // Helm may print notes or warnings before the JSON.
            let json = printed.find('{').map(|i| &printed[i..]).unwrap_or(&printed);
            return serde_json::from_str(json).map_err(|e| Error::internal(messages::bad_helm_output(&e.to_string())));
        }
        let manifest = helm.get_manifest(&self.target)?;
        let history = helm.history(&self.target, 1)?;
        helm2_release(&self.target, &history, manifest)
    }

    fn check_replicas_used(&self, resources: &[Resource]) {
        let Some((key, replicas)) = &self.values.replicas else { return };
        let scalable = resources.iter().filter(|r| matches!(r.kind.as_str(), "Deployment" | "StatefulSet"));
        if !scalable.clone().any(|r| r.replicas() == Some(i64::from(*replicas))) && scalable.count() > 0 {
            log::warn(messages::replicas_unused(key, *replicas));
        }
    }

    /// After a failed rollout with `--atomic`: back to the last good revision, or uninstall.
    fn undo_if_atomic(&self, helm: &HelmOnCluster<'_>, history: &[Revision], error: Error) -> Error {
        if !self.atomic {
            return error;
        }
        let undone = match release::rollback_target(history) {
            Some(to) => match helm.rollback(&self.target, to.number) {
                Ok(_) if to.verified => messages::rolled_back(to.number),
                Ok(_) => messages::rolled_back_unverified(to.number),
                Err(failed) => messages::rollback_failed(&failed.message),
            },
            None => match helm.uninstall(&self.target) {
                Ok(_) => messages::uninstalled(),
                Err(failed) => messages::uninstall_failed(&failed.message),
            },
        };
        Error { message: format!("{}\n{undone}", error.message), ..error }
    }
}

/// The error of a rollout that failed: the diagnosis, and its hint.
fn diagnosis_error(diagnosis: &Diagnosis, lasted: Option<Duration>) -> Error {
    let mut text = diagnosis_text(diagnosis);
    if let Some(grace) = lasted {
        text.push_str(&format!("\n  {}", messages::lasted(&diagnosis.failure.reason, grace)));
    }
    let error = Error::rollout(text);
    match &diagnosis.hint {
        Some(hint) => error.hint(hint.clone()),
        None => error,
    }
}

/// The error of a rollout whose workloads were not ready in time: those not ready, and the
/// troubles that were being waited out.
fn timed_out_error(states: &[WorkloadState], troubles: Vec<String>, wait: Wait) -> Error {
    let mut pending: Vec<String> = states.iter().filter(|s| !s.done).map(WorkloadState::line).collect();
    pending.extend(troubles);
    let limit = wait.limit().unwrap_or_default();
    Error::rollout(messages::timed_out(limit, &pending)).hint(messages::hint_timeout())
}

/// A rollout failure with its evidence, for the error message: what failed, where, how it last
/// exited, its newest events and its log.
fn diagnosis_text(d: &Diagnosis) -> String {
    let f = &d.failure;
    let kind = f.kind.to_lowercase();
    let mut lines = vec![
        messages::rollout_failed(&kind, &f.name, &f.reason),
        format!("  {}", messages::diagnosis_object(&kind, &f.name, f.container.as_deref(), &d.namespace, &f.message)),
    ];
    if let Some((code, reason)) = &f.last_exit {
        lines.push(format!("  {}", messages::diagnosis_last_exit(*code, reason)));
    }
    if !d.events.is_empty() {
        lines.push(format!("  {}", messages::diagnosis_events()));
        lines.extend(d.events.iter().rev().take(5).rev().map(|event| format!("    {event}")));
    }
    if let Some(log) = d.log_tail.as_deref().filter(|l| !l.trim().is_empty()) {
        lines.push(format!("  {}", messages::diagnosis_log()));
        lines.extend(log.lines().map(|line| format!("    | {line}")));
    }
    lines.join("\n")
}

/// Waits for a helper thread without blocking the runtime, so that a signal still ends the wait.
async fn joined<T>(thread: std::thread::JoinHandle<T>) -> std::thread::Result<T> {
    while !thread.is_finished() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    thread.join()
}

/// `--set` values whose key names a secret are kept out of every printed line.
fn register_secret_values(values: &Values) {
    // Not "secret" alone: `envFromSecret=app-env` names a Secret, it is not one.
    let secretish = [
        "password",
        "passwd",
        "token",
        "apikey",
        "api_key",
        "accesskey",
        "privatekey",
        "credential",
        "secretkey",
        "clientsecret",
    ];
    for pair in values.set.iter().chain(&values.set_string).flat_map(|s| s.split(',')) {
        if let Some((key, value)) = pair.split_once('=') {
            // The last part names the value: `imagePullSecrets[0].name` is a name, `db.password` is not.
            let key = key.rsplit('.').next().unwrap_or(key).to_lowercase();
            if secretish.iter().any(|s| key.contains(s)) {
                redact::register(value);
            }
        }
    }
}

/// The workloads to wait for: those in the release namespace, hooks left to helm.
fn workloads_of(resources: &[Resource], namespace: &str) -> Vec<Workload> {
    let mut workloads = Vec::new();
    for resource in resources.iter().filter(|r| !r.is_hook()) {
        let Some(kind) = resource.workload() else { continue };
        if resource.namespace_or(namespace) != namespace {
            log::warn(messages::other_namespace(&resource.display(), resource.namespace_or(namespace)));
            continue;
        }
        workloads.push(Workload { kind, name: resource.name.clone() });
    }
    workloads
}

/// A dry run's workloads: what they would ask for.
fn planned(resources: &[Resource], workloads: &[Workload]) -> Vec<WorkloadState> {
    workloads
        .iter()
        .map(|w| {
            let desired = resources
                .iter()
                .find(|r| r.name == w.name && r.workload() == Some(w.kind))
                .and_then(Resource::replicas);
            WorkloadState {
                kind: w.kind,
                name: w.name.clone(),
                ready: 0,
                // Kubernetes' replicas are an int32: a larger count is not a real plan.
                desired: i32::try_from(desired.unwrap_or(1)).unwrap_or(i32::MAX),
                done: false,
            }
        })
        .collect()
}

/// Helm 2's release from `helm history --max 1 -o json` and `helm get manifest`.
fn helm2_release(target: &Target, history: &str, manifest: String) -> Result<ReleaseInfo> {
    let bad = |why: String| Error::internal(messages::bad_helm_output(&why));
    let rows: Vec<serde_json::Value> = serde_json::from_str(history).map_err(|e| bad(e.to_string()))?;
    let row = rows.last().ok_or_else(|| bad(messages::helm_history_empty()))?;
    let (name, version) = split_chart(row["chart"].as_str().unwrap_or_default());
    Ok(ReleaseInfo {
        name: target.release.clone(),
        namespace: target.namespace.clone(),
        revision: row["revision"].as_u64().and_then(|r| u32::try_from(r).ok()).unwrap_or(0),
        info: helm::ReleaseStatus { status: row["status"].as_str().unwrap_or_default().to_lowercase() },
        chart: helm::ChartInfo {
            metadata: helm::ChartMetadata {
                name: name.to_string(),
                version: version.to_string(),
                // Helm 2 writes `appVersion`; helm 3 `app_version`.
                app_version: row["appVersion"].as_str().or(row["app_version"].as_str()).map(str::to_string),
            },
        },
        manifest,
    })
}

/// `web-1.0.0-rc.1` -> (`web`, `1.0.0-rc.1`): the version is the first `-` suffix that is SemVer,
/// since chart names and prerelease versions both contain dashes.
fn split_chart(chart: &str) -> (&str, &str) {
    chart
        .match_indices('-')
        .map(|(i, _)| (&chart[..i], &chart[i + 1..]))
        .find(|(_, version)| semver::Version::parse(version).is_ok())
        .unwrap_or((chart, ""))
}

impl Outcome for Deployed {
    fn text(&self) -> String {
        let mut lines = vec![if self.dry_run {
            messages::result_release_dry_run(&self.release, &self.namespace, self.revision)
        } else {
            messages::result_release(&self.release, &self.namespace, self.revision, &self.status)
        }];
        let chart = messages::result_chart(&self.chart, &self.chart_version, self.app_version.as_deref());
        lines.push(format!("  {chart}"));
        if let Some(recovered) = &self.recovered {
            lines.push(format!("  {recovered}"));
        }
        if self.namespace_created {
            lines.push(format!("  {}", messages::result_namespace_created(&self.namespace)));
        }
        for workload in &self.workloads {
            let line = if self.dry_run {
                messages::result_planned(&format!("{}/{}", workload.kind.short(), workload.name), workload.desired)
            } else {
                workload.line()
            };
            lines.push(format!("  {line}"));
        }
        match self.waited_seconds {
            Some(seconds) => lines.push(format!("  {}", messages::result_ready_after(seconds))),
            None if !self.dry_run && !self.workloads.is_empty() => lines.push(format!("  {}", messages::not_waited())),
            None => {}
        }
        let cluster = messages::result_cluster(&self.cluster, &self.kubernetes_version, &self.helm);
        lines.push(format!("  {cluster}"));
        lines.join("\n")
    }

    fn summary(&self) -> String {
        messages::summary(&self.release, self.revision, &self.status, &self.namespace)
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("release_name", self.release.clone()),
            ("release_namespace", self.namespace.clone()),
            ("release_revision", self.revision.to_string()),
            ("release_status", self.status.clone()),
            ("chart_version", self.chart_version.clone()),
            ("app_version", self.app_version.clone().unwrap_or_default()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_and_versions_with_dashes() {
        assert_eq!(split_chart("web-1.2.0"), ("web", "1.2.0"));
        assert_eq!(split_chart("my-web-1.0.0-rc.1"), ("my-web", "1.0.0-rc.1"));
        assert_eq!(split_chart("web-2.0.0+build-7"), ("web", "2.0.0+build-7"));
        assert_eq!(split_chart("web"), ("web", ""));
    }

    #[test]
    fn helm2_history_rows_are_read() {
        let target = Target {
            release: "web".into(),
            namespace: "shop".into(),
            context: None,
            tiller_namespace: "kube-system".into(),
        };
        let row = r#"[{"revision":4,"status":"DEPLOYED","chart":"web-1.0.0-rc.1","appVersion":"2.1","description":"Upgrade complete"}]"#;
        let info = helm2_release(&target, row, String::new()).unwrap();
        assert_eq!((info.revision, info.info.status.as_str()), (4, "deployed"));
        assert_eq!(info.chart.metadata.version, "1.0.0-rc.1");
        assert_eq!(info.chart.metadata.app_version.as_deref(), Some("2.1"));
    }

    #[test]
    fn timeout_contract() {
        assert_eq!(Wait::parse(None), Ok(Wait::No));
        assert_eq!(Wait::parse(Some("")), Ok(Wait::No), "an empty BK-CI field is unset");
        assert_eq!(Wait::parse(Some("0")), Ok(Wait::Forever));
        assert_eq!(Wait::parse(Some("0s")), Ok(Wait::Forever));
        assert_eq!(Wait::parse(Some("5m")), Ok(Wait::Within(Duration::from_secs(300))));
        assert_eq!(Wait::parse(Some("300")), Ok(Wait::Within(Duration::from_secs(300))));
        assert!(Wait::parse(Some("soon")).is_err());
    }
}
