//! Waiting for a release's workloads by watching them (never polling): Deployments, StatefulSets,
//! DaemonSets and Jobs of the manifest, their ReplicaSets and Pods. Each change is evaluated at
//! once: progress lines as readiness moves, success the moment the last one is ready, and a
//! diagnosis the moment something fails in a way waiting will not fix. What real clusters recover
//! from by themselves (a PVC still binding, a quota freeing up, a Secret an operator is about to
//! create, a crash until a dependency is up) fails the wait only once it has lasted the grace
//! period. Only the current generation is judged: until a controller has observed a workload's
//! new generation, its status and pods still describe the previous revision.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use deckhand_common::kube::{api_error, Cluster};
use deckhand_common::{log, process, Error, ErrorKind, Result};
use futures::stream::{BoxStream, StreamExt};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Secret};
use kube::api::{Api, ListParams, LogParams};
use kube::runtime::{watcher, WatchStreamExt};
use kube::Resource;
use serde::Serialize;

use crate::diagnose::{self, Diagnosis, Evidence, Failure};
use crate::manifest::WorkloadKind;
use crate::{messages, quantity};
use deckhand_common::kube::{metadata_opt, refuses_the_account};

/// A workload of the release.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: String,
}

/// How far a workload is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadState {
    pub kind: WorkloadKind,
    pub name: String,
    pub ready: i32,
    pub desired: i32,
    pub done: bool,
}

impl WorkloadState {
    pub fn line(&self) -> String {
        let what = format!("{}/{}", self.kind.short(), self.name);
        match (self.kind, self.done) {
            (WorkloadKind::Job, true) => messages::workload_complete(&what),
            (WorkloadKind::Job, false) => messages::workload_running(&what),
            _ => messages::workload_ready(&what, self.ready, self.desired),
        }
    }
}

/// How a wait ended (other than with an error of the cluster connection).
pub enum Waited {
    Ready(Vec<WorkloadState>),
    /// A final failure, or a transient one that outlasted the grace period (`Some(grace)`).
    Failed(Box<Diagnosis>, Option<Duration>),
    /// The workloads' states, and the transient troubles being waited out when time ran out.
    TimedOut(Vec<WorkloadState>, Vec<String>),
}

/// How long to wait, and how long a transient failure may last.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// `None`: no limit.
    pub timeout: Option<Duration>,
    pub grace: Duration,
    pub kube_timeout: Duration,
}

/// What the watches have seen so far.
#[derive(Default)]
struct Seen {
    deployments: BTreeMap<String, Deployment>,
    statefulsets: BTreeMap<String, StatefulSet>,
    daemonsets: BTreeMap<String, DaemonSet>,
    jobs: BTreeMap<String, Job>,
    replicasets: BTreeMap<String, ReplicaSet>,
    pods: BTreeMap<String, Pod>,
}

enum Change {
    Deployment(watcher::Event<Deployment>),
    StatefulSet(watcher::Event<StatefulSet>),
    DaemonSet(watcher::Event<DaemonSet>),
    Job(watcher::Event<Job>),
    ReplicaSet(watcher::Event<ReplicaSet>),
    Pod(watcher::Event<Pod>),
}

fn remember<K: Resource>(map: &mut BTreeMap<String, K>, event: watcher::Event<K>) {
    match event {
        watcher::Event::Init => map.clear(),
        watcher::Event::Apply(obj) | watcher::Event::InitApply(obj) => {
            map.insert(obj.meta().name.clone().unwrap_or_default(), obj);
        }
        watcher::Event::Delete(obj) => {
            map.remove(obj.meta().name.as_deref().unwrap_or_default());
        }
        watcher::Event::InitDone => {}
    }
}

impl Seen {
    fn apply(&mut self, change: Change) {
        match change {
            Change::Deployment(e) => remember(&mut self.deployments, e),
            Change::StatefulSet(e) => remember(&mut self.statefulsets, e),
            Change::DaemonSet(e) => remember(&mut self.daemonsets, e),
            Change::Job(e) => remember(&mut self.jobs, e),
            Change::ReplicaSet(e) => remember(&mut self.replicasets, e),
            Change::Pod(e) => remember(&mut self.pods, e),
        }
    }

    fn owned_pods(&self, uid: Option<&String>) -> Vec<&Pod> {
        self.pods.values().filter(|p| owned_by(p.meta(), uid)).collect()
    }

    /// The pods of `owner` whose `key` label names `revision` (or that carry no such label); all
    /// of them when the revision is not known.
    fn pods_of_revision(
        &self,
        owner: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        key: &str,
        revision: Option<&str>,
    ) -> Vec<&Pod> {
        let of_revision = |p: &&Pod| revision.is_none() || label(p.meta(), key).is_none_or(|v| Some(v) == revision);
        self.owned_pods(owner.uid.as_ref()).into_iter().filter(of_revision).collect()
    }

    /// The ReplicaSet of a Deployment's current revision.
    fn newest_replicaset(&self, deployment: &Deployment) -> Option<&ReplicaSet> {
        let revision = revision_of(deployment.meta())?;
        self.replicasets
            .values()
            .find(|rs| owned_by(rs.meta(), deployment.meta().uid.as_ref()) && revision_of(rs.meta()) == Some(revision))
    }

    /// The state of one workload and, if it failed, why.
    fn evaluate(&self, workload: &Workload) -> (WorkloadState, Option<Failure>) {
        let mut state =
            WorkloadState { kind: workload.kind, name: workload.name.clone(), ready: 0, desired: 1, done: false };
        let pod_failure = |pods: Vec<&Pod>| pods.into_iter().find_map(diagnose::pod_failure);
        match workload.kind {
            WorkloadKind::Deployment => {
                let Some(d) = self.deployments.get(&workload.name) else { return (state, None) };
                let (spec, status) = (d.spec.as_ref(), d.status.clone().unwrap_or_default());
                state.desired = spec.and_then(|s| s.replicas).unwrap_or(1);
                let current = observed(d.meta().generation, status.observed_generation);
                let updated = status.updated_replicas.unwrap_or(0);
                let available = status.available_replicas.unwrap_or(0);
                let newest = self.newest_replicaset(d);
                // As `kubectl rollout status` counts: updated replicas that are available.
                state.ready = if current { updated.min(available) } else { 0 };
                state.done = current
                    && updated >= state.desired
                    && status.replicas.unwrap_or(0) <= updated
                    && available >= updated;
                if state.done {
                    return (state, None);
                }
                if !current {
                    // The status and the newest ReplicaSet may still be the previous revision's.
                    return (state, None);
                }
                let pods = pod_failure(newest.map(|rs| self.owned_pods(rs.meta().uid.as_ref())).unwrap_or_default());
                let failure = match diagnose::deployment_failure(d) {
                    // The deadline's message names the ReplicaSet; the pods usually tell why.
                    Some(deadline) => Some(Failure { reason: deadline.reason.clone(), ..pods.unwrap_or(deadline) }),
                    None => newest.and_then(diagnose::replicaset_failure).or(pods),
                };
                (state, failure)
            }
            WorkloadKind::StatefulSet => {
                let Some(s) = self.statefulsets.get(&workload.name) else { return (state, None) };
                let status = s.status.clone().unwrap_or_default();
                state.desired = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                state.ready = status.ready_replicas.unwrap_or(0);
                let rolling =
                    s.spec.as_ref().and_then(|s| s.update_strategy.as_ref()?.type_.as_deref()) != Some("OnDelete");
                let current = observed(s.meta().generation, status.observed_generation);
                state.done = current
                    && state.ready >= state.desired
                    && (!rolling || status.updated_replicas.unwrap_or(state.desired) >= state.desired);
                if state.done || !current {
                    return (state, None);
                }
                // The pods of the revision being rolled out; OnDelete leaves old ones by design.
                let revision = status.update_revision.as_deref();
                (state, pod_failure(self.pods_of_revision(s.meta(), "controller-revision-hash", revision)))
            }
            WorkloadKind::DaemonSet => {
                let Some(ds) = self.daemonsets.get(&workload.name) else { return (state, None) };
                let status = ds.status.clone().unwrap_or_default();
                state.desired = status.desired_number_scheduled;
                state.ready = status.number_ready;
                let current = observed(ds.meta().generation, status.observed_generation);
                state.done = current
                    && status.updated_number_scheduled.unwrap_or(0) >= state.desired
                    && status.number_available.unwrap_or(0) >= state.desired;
                if state.done || !current {
                    return (state, None);
                }
                // A DaemonSet's pods carry the generation of the template they were made from.
                let generation = ds.meta().generation.map(|g| g.to_string());
                (state, pod_failure(self.pods_of_revision(ds.meta(), "pod-template-generation", generation.as_deref())))
            }
            WorkloadKind::Job => {
                let Some(job) = self.jobs.get(&workload.name) else { return (state, None) };
                let status = job.status.clone().unwrap_or_default();
                state.desired = job.spec.as_ref().and_then(|s| s.completions).unwrap_or(1);
                state.ready = status.succeeded.unwrap_or(0);
                state.done = status.conditions.iter().flatten().any(|c| c.type_ == "Complete" && c.status == "True");
                let failure = (!state.done)
                    .then(|| {
                        diagnose::job_failure(job).or_else(|| pod_failure(self.owned_pods(job.meta().uid.as_ref())))
                    })
                    .flatten();
                (state, failure)
            }
        }
    }
}

fn observed(generation: Option<i64>, observed: Option<i64>) -> bool {
    observed.unwrap_or(0) >= generation.unwrap_or(0)
}

fn owned_by(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, uid: Option<&String>) -> bool {
    uid.is_some_and(|uid| meta.owner_references.iter().flatten().any(|r| &r.uid == uid))
}

fn label<'a>(meta: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, key: &str) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

fn revision_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Option<&str> {
    meta.annotations.as_ref()?.get("deployment.kubernetes.io/revision").map(String::as_str)
}

fn watch<K>(
    cluster: &Cluster,
    namespace: &str,
    idle: u32,
    wrap: fn(watcher::Event<K>) -> Change,
) -> BoxStream<'static, Result<Change, watcher::Error>>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + 'static,
{
    let api: Api<K> = Api::namespaced(cluster.client.clone(), namespace);
    watcher(api, watcher::Config::default().timeout(idle)).default_backoff().map(move |e| e.map(wrap)).boxed()
}

/// Watches `workloads` in `namespace` until all are ready, one fails for good, a transient
/// failure outlasts `patience.grace`, or `patience.timeout` passes. Progress lines go to the log as
/// readiness changes and as troubles start and clear.
pub async fn wait(cluster: &Cluster, namespace: &str, workloads: &[Workload], patience: Patience) -> Result<Waited> {
    let mut changes = watch_all(cluster, namespace, workloads, patience.kube_timeout);
    let started = tokio::time::Instant::now();
    let far = started + Duration::from_secs(100 * 365 * 86400);
    let deadline = patience.timeout.map_or(far, |t| started + t);
    // A signal ends the wait wherever it is (kube::block_on races it); this names what it ended.
    let _doing = process::doing(messages::while_waiting());
    let mut seen = Seen::default();
    let mut shown: BTreeMap<Workload, WorkloadState> = BTreeMap::new();
    // The transient failures being waited out, and since when.
    let mut troubles: BTreeMap<(String, String), tokio::time::Instant> = BTreeMap::new();
    loop {
        let next_grace = troubles.values().map(|since| *since + patience.grace).min().unwrap_or(far);
        tokio::select! {
            change = changes.next() => match change {
                Some(Ok(change)) => seen.apply(change),
                Some(Err(e)) => refuse_if_forbidden(cluster, &e)?,
                None => return Err(Error::remote(messages::watch_ended())),
            },
            () = tokio::time::sleep_until(deadline.min(next_grace)) => {
                if tokio::time::Instant::now() >= deadline {
                    let states = workloads.iter().map(|w| seen.evaluate(w).0).collect();
                    let lines = troubles.into_keys().map(|(what, reason)| format!("{what}: {reason}")).collect();
                    return Ok(Waited::TimedOut(states, lines));
                }
            }
        }
        let mut states = Vec::new();
        let mut failing = Vec::new();
        for workload in workloads {
            let (state, failure) = seen.evaluate(workload);
            if shown.get(workload) != Some(&state) {
                log::info(state.line());
                shown.insert(workload.clone(), state.clone());
            }
            failing.extend(failure);
            states.push(state);
        }
        if states.iter().all(|s| s.done) {
            return Ok(Waited::Ready(states));
        }
        let keys: Vec<(String, String)> = failing.iter().map(trouble_key).collect();
        troubles.retain(|key, _| {
            let gone = !keys.contains(key);
            if gone {
                log::info(messages::recovered_from(&key.0, &key.1));
            }
            !gone
        });
        for failure in failing {
            let key = trouble_key(&failure);
            let lasted = match troubles.get(&key) {
                Some(since) if since.elapsed() < patience.grace => continue,
                known => known.is_some(),
            };
            let diagnosis = explain(cluster, namespace, &seen, failure).await;
            if diagnosis.permanent || patience.grace.is_zero() {
                return Ok(Waited::Failed(Box::new(diagnosis), None));
            }
            if lasted {
                return Ok(Waited::Failed(Box::new(diagnosis), Some(patience.grace)));
            }
            log::info(messages::waiting_out(&key.0, &key.1, patience.grace));
            troubles.insert(key, tokio::time::Instant::now());
        }
    }
}

/// ("pod/web-1", "CrashLoopBackOff"): one trouble, however often its object changes.
fn trouble_key(failure: &Failure) -> (String, String) {
    (format!("{}/{}", failure.kind.to_lowercase(), failure.name), failure.reason.clone())
}

/// One stream of the changes of every kind the workloads need.
fn watch_all(
    cluster: &Cluster,
    namespace: &str,
    workloads: &[Workload],
    kube_timeout: Duration,
) -> futures::stream::SelectAll<BoxStream<'static, Result<Change, watcher::Error>>> {
    // The server ends each watch before our read timeout would (the watcher resumes it).
    let idle = u32::try_from(kube_timeout.as_secs().saturating_sub(5).clamp(1, 290)).unwrap_or(290);
    let has = |kind| workloads.iter().any(|w| w.kind == kind);
    let mut streams = vec![watch::<Pod>(cluster, namespace, idle, Change::Pod)];
    if has(WorkloadKind::Deployment) {
        streams.push(watch::<Deployment>(cluster, namespace, idle, Change::Deployment));
        streams.push(watch::<ReplicaSet>(cluster, namespace, idle, Change::ReplicaSet));
    }
    if has(WorkloadKind::StatefulSet) {
        streams.push(watch::<StatefulSet>(cluster, namespace, idle, Change::StatefulSet));
    }
    if has(WorkloadKind::DaemonSet) {
        streams.push(watch::<DaemonSet>(cluster, namespace, idle, Change::DaemonSet));
    }
    if has(WorkloadKind::Job) {
        streams.push(watch::<Job>(cluster, namespace, idle, Change::Job));
    }
    futures::stream::select_all(streams)
}

/// The workloads' state right now (no waiting).
pub async fn snapshot(cluster: &Cluster, namespace: &str, workloads: &[Workload]) -> Result<Vec<WorkloadState>> {
    let mut seen = Seen::default();
    let client = || cluster.client.clone();
    let doing = messages::reading_workloads(namespace);
    let fail = |e| api_error(&cluster.server, &doing, e);
    let lp = ListParams::default();
    for workload in workloads {
        let name = workload.name.clone();
        match workload.kind {
            WorkloadKind::Deployment => {
                if let Some(d) =
                    Api::<Deployment>::namespaced(client(), namespace).get_opt(&name).await.map_err(fail)?
                {
                    seen.deployments.insert(name, d);
                }
                if seen.replicasets.is_empty() {
                    let sets = Api::<ReplicaSet>::namespaced(client(), namespace).list(&lp).await.map_err(fail)?;
                    seen.replicasets =
                        sets.items.into_iter().map(|r| (r.meta().name.clone().unwrap_or_default(), r)).collect();
                }
            }
            WorkloadKind::StatefulSet => {
                if let Some(s) =
                    Api::<StatefulSet>::namespaced(client(), namespace).get_opt(&name).await.map_err(fail)?
                {
                    seen.statefulsets.insert(name, s);
                }
            }
            WorkloadKind::DaemonSet => {
                if let Some(d) = Api::<DaemonSet>::namespaced(client(), namespace).get_opt(&name).await.map_err(fail)? {
                    seen.daemonsets.insert(name, d);
                }
            }
            WorkloadKind::Job => {
                if let Some(j) = Api::<Job>::namespaced(client(), namespace).get_opt(&name).await.map_err(fail)? {
                    seen.jobs.insert(name, j);
                }
            }
        }
    }
    Ok(workloads.iter().map(|w| seen.evaluate(w).0).collect())
}

/// A watch error ends the wait only when the cluster refuses the account (401, or a 403 that is
/// RBAC's); anything else, 410 Gone "too old resource version" included, is resumed by the
/// watcher (which relists). The status code decides, never the message's text: its digits are
/// resourceVersions.
fn refuse_if_forbidden(cluster: &Cluster, error: &watcher::Error) -> Result<()> {
    let status = match error {
        watcher::Error::WatchError(status) => Some((status.code, status.message.as_str())),
        watcher::Error::InitialListFailed(e) | watcher::Error::WatchStartFailed(e) | watcher::Error::WatchFailed(e) => {
            match e {
                kube::Error::Api(status) => Some((status.code, status.message.as_str())),
                _ => None,
            }
        }
        watcher::Error::NoResourceVersion => None,
    };
    if let Some((code, message)) = status.filter(|(code, message)| refuses_the_account(*code, message)) {
        let error = Error::new(ErrorKind::Auth, messages::watch_refused(&cluster.server, &format!("{code} {message}")));
        return Err(error.hint(if code == 401 {
            deckhand_common::messages::hint_kube_401()
        } else {
            deckhand_common::messages::hint_kube_403()
        }));
    }
    log::debug(messages::watch_resuming(&error.to_string()));
    Ok(())
}

/// Gathers the evidence around a failure (events, log, pull secrets, nodes and what runs on
/// them) and explains it.
async fn explain(cluster: &Cluster, namespace: &str, seen: &Seen, failure: Failure) -> Diagnosis {
    let started = Instant::now();
    let client = cluster.client.clone();
    // The pod to read a log from: the failing one, or a Job's newest failed pod.
    let pod: Option<&Pod> = match failure.kind.as_str() {
        "Pod" => seen.pods.get(&failure.name),
        "Job" => seen.jobs.get(&failure.name).and_then(|job| {
            seen.owned_pods(job.meta().uid.as_ref()).into_iter().max_by_key(|p| p.meta().creation_timestamp.clone())
        }),
        _ => None,
    };
    let mut evidence = Evidence {
        uids: [failure.uid.clone(), pod.and_then(|p| p.meta().uid.clone())].into_iter().flatten().collect(),
        ..Default::default()
    };
    let events: Api<Event> = Api::namespaced(client.clone(), namespace);
    // The namespace's events; diagnose::explain keeps those of these uids and orders them.
    evidence.events = events.list(&ListParams::default()).await.map(|l| l.items).unwrap_or_default();
    if let Some(pod) = pod {
        let spec = pod.spec.clone().unwrap_or_default();
        if diagnose::wants_log(&failure) {
            evidence.log_tail = log_tail(cluster, namespace, pod, &failure).await;
        }
        if failure.reason.contains("ImagePull") {
            let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
            for reference in spec.image_pull_secrets.iter().flatten() {
                if let Ok(None) = metadata_opt(cluster, &secrets, &reference.name).await {
                    evidence.missing_pull_secrets.push(reference.name.clone());
                }
            }
        }
        if failure.reason == "Unschedulable" {
            evidence.requested = quantity::pod_requests(&spec);
            evidence.tolerations = spec.tolerations.clone().unwrap_or_default();
            let nodes: Api<Node> = Api::all(client.clone());
            evidence.nodes = nodes.list(&ListParams::default()).await.map(|l| l.items).unwrap_or_default();
            // What already runs on the nodes counts against them; a namespaced account may not see it.
            let bound = ListParams::default().fields("spec.nodeName!=");
            evidence.node_pods = Api::<Pod>::all(client.clone()).list(&bound).await.ok().map(|l| l.items);
        }
    }
    log::debug(messages::gathered_diagnosis(started.elapsed().as_millis()));
    diagnose::explain(failure, namespace, &evidence)
}

/// The last lines of the failing container's log (the previous run's, for a crash).
async fn log_tail(cluster: &Cluster, namespace: &str, pod: &Pod, failure: &Failure) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let container = failure.container.clone().or_else(|| spec.containers.first().map(|c| c.name.clone()));
    let params = LogParams {
        container,
        previous: failure.reason == "CrashLoopBackOff",
        tail_lines: Some(20),
        ..Default::default()
    };
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), namespace);
    pods.logs(pod.meta().name.as_deref().unwrap_or_default(), &params).await.ok()
}
