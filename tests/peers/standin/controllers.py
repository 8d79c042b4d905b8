"""The pretend kube-controller-manager. Every controller works ASYNCHRONOUSLY, as the real ones
do (informers + work queues, k8s.io/client-go/util/workqueue): a write returns at once, and each
controller acts on the object --controller-lag-ms later (default 30), in its own timer, so a
client can see metadata.generation > status.observedGeneration, with the previous revision's
status and ReplicaSet, for a while.

- Deployment (pkg/controller/deployment/sync.go, rolling.go): a ReplicaSet per pod template
  (`pod-template-hash` label, `deployment.kubernetes.io/revision` annotation; a rollback re-uses
  the old ReplicaSet with a new revision); rolling updates keep the old ReplicaSet's pods until the
  new ones are ready; status with observedGeneration, Available/Progressing, ReplicaFailure copied
  from the ReplicaSets, ProgressDeadlineExceeded after progressDeadlineSeconds.
- ReplicaSet (pkg/controller/replicaset/replica_set.go, replica_set_utils.go calculateStatus): pods
  created/removed to spec.replicas; a refused create (quota) sets ReplicaFailure=True FailedCreate
  with a FailedCreate event, is retried, and the condition is removed on the next success.
- StatefulSet (OrderedReady: one ordinal at a time, each Ready first; rolling update from the
  highest ordinal), DaemonSet (one pod per eligible node), Job (pkg/controller/job/job_controller.go:
  backoffLimit, default 6, with the back-off 10 s doubling capped at 6 min, times --backoff-scale;
  then Failed/BackoffLimitExceeded, 1.33: FailureTarget first).
- A new namespace gets its `default` ServiceAccount a second later (serviceaccounts-controller).
"""
import copy, hashlib, json, time

from . import admission, events, store

_pending = set()
_deadlines = set()  # (deployment uid, generation) with a progress-deadline timer
_job_failed_at = {}  # job uid -> time of its last pod failure


def lag():
    return store.args.controller_lag_ms / 1000


def enqueue(key, delay=None, tag="sync"):
    if (key, tag) in _pending:
        return
    _pending.add((key, tag))

    def run():
        _pending.discard((key, tag))
        obj = store.objects.get(key)
        if obj:
            SYNC[key[0]](copy.deepcopy(obj))
    store.later(lag() if delay is None else delay, run)


def on_change(type_, old, new):
    obj = new or old
    kind = obj["kind"]
    if kind == "Event":
        return
    if kind in store.WORKLOADS and new is not None and (old is None or old.get("spec") != new.get("spec")):
        enqueue(store.key_of(new))
    if kind in ("Pod", "ReplicaSet"):
        owner = store.controller_of(obj)
        if owner and owner[0] in store.WORKLOADS:
            enqueue(owner)
    if kind == "Namespace" and old is None and new is not None:
        name = new["metadata"]["name"]
        store.later(1.0, lambda: ("ServiceAccount", name, "default") in store.objects or
                    (("Namespace", "", name) in store.objects and
                     store.put({"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}})))
    if kind == "PersistentVolumeClaim" and old is None and new is not None:
        after_ms = (new["metadata"].get("annotations") or {}).get("standin.deckhand.test/bind-after-ms")
        if after_ms is not None and new.get("status", {}).get("phase") != "Bound":
            store.later(int(after_ms) / 1000, bind_claim, store.key_of(new), new["metadata"]["uid"])
    if kind in ("ResourceQuota",) or (kind == "Node"):
        # A quota that frees up, a node that appears: the controllers that wait on them look again.
        for rs in store.of_kind("ReplicaSet"):
            if store.has_condition(rs, "ReplicaFailure"):
                enqueue(store.key_of(rs))
        if kind == "Node":
            for ds in store.of_kind("DaemonSet"):
                enqueue(store.key_of(ds))


def bind_claim(key, uid):
    """What the PV controller does once a volume is provisioned for a claim (pkg/controller/volume/persistentvolume)."""
    pvc = store.objects.get(key)
    if not pvc or pvc["metadata"]["uid"] != uid:
        return
    pvc = copy.deepcopy(pvc)
    name = f"pvc-{uid}"
    size = ((pvc.get("spec", {}).get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
    modes = pvc.get("spec", {}).get("accessModes") or ["ReadWriteOnce"]
    store.put({"kind": "PersistentVolume", "metadata": {"name": name, "annotations": {
        "pv.kubernetes.io/provisioned-by": "standin.deckhand.test/provisioner"}},
        "spec": {"capacity": {"storage": size}, "accessModes": modes, "persistentVolumeReclaimPolicy": "Delete",
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": key[1], "name": key[2], "uid": uid},
                 "storageClassName": pvc["spec"].get("storageClassName", "standard")},
        "status": {"phase": "Bound"}})
    pvc["spec"]["volumeName"] = name
    pvc["metadata"].setdefault("annotations", {})["pv.kubernetes.io/bind-completed"] = "yes"
    pvc["status"] = {"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}}
    store.put(pvc)


def template_hash(template):
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:10]


def is_ready(pod):
    return store.has_condition(pod, "Ready")


def active_pods(owner):
    return [p for p in store.owned("Pod", owner) if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]


def create_pod(owner, template, name=None, extra_labels=None, node=None):
    """Creates a pod from a template, through admission (ResourceQuota); returns the refusal text or None."""
    ns = owner["metadata"]["namespace"]
    spec = copy.deepcopy(template.get("spec", {}))
    if name is None:
        name = f"{owner['metadata']['name']}-{store.suffix()}"
    refusal = admission.quota_refusal(ns, name, spec)
    if refusal:
        return refusal
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("serviceAccountName", "default")
    if node:
        spec["nodeName"] = node
    labels = {**(template.get("metadata") or {}).get("labels", {}), **(extra_labels or {})}
    annotations = (template.get("metadata") or {}).get("annotations")
    meta = {"name": name, "namespace": ns, "labels": labels, "ownerReferences": [store.owner_ref(owner)]}
    if annotations:
        meta["annotations"] = dict(annotations)
    store.put({"kind": "Pod", "metadata": meta, "spec": spec, "status": admission.initial_pod_status(spec)})
    events.event(owner, "SuccessfulCreate", f"Created pod: {name}", "Normal", f"{owner['kind'].lower()}-controller")
    return None


# ---- Deployment ----

def revision(obj):
    return int(obj["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", 0))


def sync_deployment(d):
    ns, name = d["metadata"]["namespace"], d["metadata"]["name"]
    template = d["spec"].get("template", {})
    want = d["spec"].get("replicas", 1)
    h = template_hash(template)
    sets = store.owned("ReplicaSet", d)
    top = max([revision(rs) for rs in sets] or [0])
    new = next((rs for rs in sets if rs["metadata"]["labels"].get("pod-template-hash") == h), None)
    if new is None:
        labels = {**(template.get("metadata") or {}).get("labels", {}), "pod-template-hash": h}
        tpl = copy.deepcopy(template)
        tpl.setdefault("metadata", {})["labels"] = labels
        selector = copy.deepcopy(d["spec"].get("selector") or {"matchLabels": {}})
        selector.setdefault("matchLabels", {})["pod-template-hash"] = h
        new = store.put({"kind": "ReplicaSet", "metadata": {
            "name": f"{name}-{h}", "namespace": ns, "labels": labels, "ownerReferences": [store.owner_ref(d)],
            "annotations": {"deployment.kubernetes.io/revision": str(top + 1),
                            "deployment.kubernetes.io/desired-replicas": str(want)}},
            "spec": {"replicas": want, "selector": selector, "template": tpl}, "status": {"replicas": 0}})
        events.event(d, "ScalingReplicaSet", f"Scaled up replica set {new['metadata']['name']} to {want}", "Normal",
                     "deployment-controller")
    else:
        new = copy.deepcopy(new)
        if revision(new) != top and any(revision(rs) > revision(new) for rs in sets):
            new["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(top + 1)  # a rollback
        new["spec"]["replicas"] = want
        new = store.put_if_changed(new)
    # Old ReplicaSets keep as many pods as the new one lacks ready ones (maxUnavailable 0, roughly).
    allowed = max(0, want - new.get("status", {}).get("readyReplicas", 0))
    for rs in sorted((s for s in store.owned("ReplicaSet", d) if s["metadata"]["uid"] != new["metadata"]["uid"]),
                     key=revision, reverse=True):
        rs = copy.deepcopy(rs)
        keep = min(rs["spec"].get("replicas", 0), allowed)
        allowed -= keep
        if keep != rs["spec"].get("replicas", 0):
            rs["spec"]["replicas"] = keep
            store.put(rs)
            events.event(d, "ScalingReplicaSet", f"Scaled down replica set {rs['metadata']['name']} to {keep}",
                         "Normal", "deployment-controller")
    d["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = \
        new["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
    sets = store.owned("ReplicaSet", d)
    st = d.setdefault("status", {})
    total = sum(rs.get("status", {}).get("replicas", 0) for rs in sets)
    ready = sum(rs.get("status", {}).get("readyReplicas", 0) for rs in sets)
    new_status = new.get("status", {})
    st.update(observedGeneration=d["metadata"]["generation"], replicas=total,
              updatedReplicas=new_status.get("replicas", 0), readyReplicas=ready, availableReplicas=ready,
              unavailableReplicas=max(0, want - ready))
    for field in ("readyReplicas", "availableReplicas", "updatedReplicas", "unavailableReplicas"):
        if not st[field]:
            st.pop(field)  # omitempty, as the real status is serialised
    ok = ready >= want
    store.set_condition(d, "Available", "True" if ok else "False",
                        "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
                        "Deployment has minimum availability." if ok else "Deployment does not have minimum availability.")
    failure = next((c for rs in sets for c in rs.get("status", {}).get("conditions", [])
                    if c["type"] == "ReplicaFailure" and c["status"] == "True"), None)
    if failure:
        store.set_condition(d, "ReplicaFailure", "True", failure.get("reason"), failure.get("message"))
    else:
        store.drop_condition(d, "ReplicaFailure")
    progressing = next((c for c in st["conditions"] if c["type"] == "Progressing"), None)
    new_name = new["metadata"]["name"]
    if new_status.get("readyReplicas", 0) >= want and total <= want:
        if not (progressing and progressing.get("reason") == "NewReplicaSetAvailable"
                and new_name in progressing.get("message", "")):
            # When the Deployment's status first says the rollout is complete (for the benchmarks).
            store.timeline(f"deployment-complete {d['metadata']['namespace']}/{d['metadata']['name']}")
        store.set_condition(d, "Progressing", "True", "NewReplicaSetAvailable",
                            f'ReplicaSet "{new_name}" has successfully progressed.')
    elif not progressing or progressing.get("reason") != "ProgressDeadlineExceeded" or \
            progressing.get("message", "").find(new_name) < 0:
        store.set_condition(d, "Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{new_name}" is progressing.')
    store.put_if_changed(d)
    mark = (d["metadata"]["uid"], d["metadata"]["generation"])
    if mark not in _deadlines:
        _deadlines.add(mark)
        store.later(d["spec"].get("progressDeadlineSeconds", 600), progress_deadline, store.key_of(d),
                    d["metadata"]["generation"])


def progress_deadline(key, generation):
    d = store.objects.get(key)
    if not d or d["metadata"]["generation"] != generation:
        return
    d = copy.deepcopy(d)
    new = next((rs for rs in store.owned("ReplicaSet", d) if revision(rs) == revision(d)), None)
    if new and new.get("status", {}).get("readyReplicas", 0) >= d["spec"].get("replicas", 1):
        return
    store.set_condition(d, "Progressing", "False", "ProgressDeadlineExceeded",
                        f'ReplicaSet "{new["metadata"]["name"] if new else key[2]}" has timed out progressing.')
    store.put(d)


# ---- ReplicaSet ----

def sync_replicaset(rs):
    pods = sorted(active_pods(rs), key=lambda p: (is_ready(p), p["metadata"]["creationTimestamp"]))
    want = rs["spec"].get("replicas", 1)
    for pod in pods[:max(0, len(pods) - want)]:
        store.remove(store.key_of(pod))
        events.event(rs, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}", "Normal",
                     "replicaset-controller")
    refusal = None
    for _ in range(want - len(pods)):
        refusal = create_pod(rs, rs["spec"]["template"],
                             extra_labels={"pod-template-hash": rs["metadata"]["labels"].get("pod-template-hash", "")})
        if refusal:
            break
    if refusal:
        store.set_condition(rs, "ReplicaFailure", "True", "FailedCreate", refusal)
        events.event(rs, "FailedCreate", f"Error creating: {refusal}", "Warning", "replicaset-controller")
        # The work queue's rate-limited retry (5 ms doubling in the real one); here about a second.
        enqueue(store.key_of(rs), delay=1.0, tag="retry")
    else:
        store.drop_condition(rs, "ReplicaFailure")
    pods = active_pods(rs)
    ready = sum(map(is_ready, pods))
    rs.setdefault("status", {}).update(replicas=len(pods), readyReplicas=ready, availableReplicas=ready,
                                       fullyLabeledReplicas=len(pods), observedGeneration=rs["metadata"]["generation"])
    for field in ("readyReplicas", "availableReplicas", "fullyLabeledReplicas"):
        if not rs["status"][field]:
            rs["status"].pop(field)
    if not rs["status"].get("conditions"):
        rs["status"].pop("conditions", None)
    store.put_if_changed(rs)


# ---- StatefulSet ----

def sync_statefulset(s):
    ns, name = s["metadata"]["namespace"], s["metadata"]["name"]
    template = s["spec"].get("template", {})
    want = s["spec"].get("replicas", 1)
    revision_name = f"{name}-{template_hash(template)}"
    st = s.setdefault("status", {})
    st["updateRevision"] = revision_name
    parallel = s["spec"].get("podManagementPolicy") == "Parallel"
    pods = {p["metadata"]["name"]: p for p in store.owned("Pod", s)}
    for i in range(want):
        pod = pods.get(f"{name}-{i}")
        if pod is None:
            create_pod(s, template, f"{name}-{i}", {"controller-revision-hash": revision_name,
                                                     "statefulset.kubernetes.io/pod-name": f"{name}-{i}"})
            if not parallel:
                break
        elif not is_ready(pod) and not parallel:
            break
    else:
        for i in range(len(pods) - 1, want - 1, -1):
            if f"{name}-{i}" in pods:
                store.remove(store.key_of(pods[f"{name}-{i}"]))
                break
        else:
            on_delete = (s["spec"].get("updateStrategy") or {}).get("type") == "OnDelete"
            stale = [p for n, p in sorted(pods.items(), key=lambda x: -int(x[0].rsplit("-", 1)[1]))
                     if p["metadata"]["labels"].get("controller-revision-hash") != revision_name]
            if stale and not on_delete:
                store.remove(store.key_of(stale[0]))
    pods = store.owned("Pod", s)
    ready = sum(map(is_ready, pods))
    updated = sum(p["metadata"]["labels"].get("controller-revision-hash") == revision_name for p in pods)
    current_revision = revision_name if updated == len(pods) == want else st.get("currentRevision", revision_name)
    st.update(replicas=len(pods), readyReplicas=ready, currentReplicas=updated if current_revision == revision_name
              else len(pods) - updated, updatedReplicas=updated, availableReplicas=ready,
              currentRevision=current_revision, observedGeneration=s["metadata"]["generation"], collisionCount=0)
    store.put_if_changed(s)


# ---- DaemonSet ----

def eligible_nodes(ds):
    from . import scheduler
    pod = {"spec": ds["spec"].get("template", {}).get("spec", {})}
    out = []
    for node in store.of_kind("Node"):
        taint = scheduler.untolerated_taint(pod, node) if scheduler.is_ready_node(node) else None
        if taint is None and scheduler.selector_matches(pod, node) and not node.get("spec", {}).get("unschedulable"):
            out.append(node["metadata"]["name"])
    return out


def sync_daemonset(ds):
    template = ds["spec"].get("template", {})
    h = template_hash(template)
    nodes = eligible_nodes(ds)
    pods = store.owned("Pod", ds)
    by_node = {}
    for p in pods:
        by_node.setdefault(p["spec"].get("nodeName"), []).append(p)
    for node_name, ps in by_node.items():
        if node_name not in nodes:
            for p in ps:
                store.remove(store.key_of(p))
    stale = [p for p in store.owned("Pod", ds) if p["metadata"]["labels"].get("controller-revision-hash") != h]
    on_delete = (ds["spec"].get("updateStrategy") or {}).get("type") == "OnDelete"
    if stale and not on_delete:
        # RollingUpdate with maxUnavailable 1: one old pod at a time, once every other pod is ready.
        others = [o for o in store.owned("Pod", ds) if o is not stale[0]]
        if all(is_ready(o) for o in others):
            store.remove(store.key_of(stale[0]))
    have = {p["spec"].get("nodeName") for p in store.owned("Pod", ds)}
    for node_name in nodes:
        if node_name not in have:
            create_pod(ds, template, None, {"controller-revision-hash": h, "pod-template-generation":
                                            str(ds["metadata"]["generation"])}, node=node_name)
    pods = store.owned("Pod", ds)
    ready = sum(map(is_ready, pods))
    updated = sum(p["metadata"]["labels"].get("controller-revision-hash") == h for p in pods)
    ds.setdefault("status", {}).update(desiredNumberScheduled=len(nodes), currentNumberScheduled=len(pods),
                                       numberReady=ready, updatedNumberScheduled=updated, numberAvailable=ready,
                                       numberMisscheduled=0, numberUnavailable=max(0, len(nodes) - ready),
                                       observedGeneration=ds["metadata"]["generation"])
    store.put_if_changed(ds)


# ---- Job ----

JOB_LIMIT_MESSAGE = "Job has reached the specified backoff limit"


def sync_job(job):
    st = job.setdefault("status", {})
    uid = job["metadata"]["uid"]
    if store.has_condition(job, "Complete") or store.has_condition(job, "Failed"):
        return
    spec = job["spec"]
    completions, parallelism = spec.get("completions", 1), spec.get("parallelism", 1)
    limit = spec.get("backoffLimit", 6)
    pods = store.owned("Pod", job)
    succeeded = sum(p["status"].get("phase") == "Succeeded" for p in pods)
    failed = sum(p["status"].get("phase") == "Failed" for p in pods)
    active = [p for p in pods if p["status"].get("phase") not in ("Succeeded", "Failed")]
    if failed > st.get("failed", 0):
        _job_failed_at[uid] = time.time()
    st.setdefault("startTime", store.now())
    st.update(active=len(active), succeeded=succeeded, failed=failed)
    if succeeded >= completions:
        store.set_condition(job, "Complete", "True")
        st["completionTime"] = store.now()
        events.event(job, "Completed", "Job completed", "Normal", "job-controller")
    elif failed > limit:
        if store.profile["job_failure_target"] and not store.has_condition(job, "FailureTarget"):
            store.set_condition(job, "FailureTarget", "True", "BackoffLimitExceeded", JOB_LIMIT_MESSAGE)
            for p in active:
                store.remove(store.key_of(p))
            st["active"] = 0
            enqueue(store.key_of(job), tag="failed")  # Failed follows once the pods are gone
        else:
            for p in active:
                store.remove(store.key_of(p))
            st["active"] = 0
            store.set_condition(job, "Failed", "True", "BackoffLimitExceeded", JOB_LIMIT_MESSAGE)
            events.event(job, "BackoffLimitExceeded", JOB_LIMIT_MESSAGE, "Warning", "job-controller")
    elif len(active) < parallelism and succeeded + len(active) < completions:
        wait = 0.0
        if failed:
            # pkg/controller/job/backoff_utils.go: DefaultJobPodFailureBackOff 10 s, doubling, MaxJobPodFailureBackOff 6 min.
            delay = min(10 * 2 ** (failed - 1), 360) * store.args.backoff_scale
            wait = _job_failed_at.get(uid, 0) + delay - time.time()
        if wait > 0:
            enqueue(store.key_of(job), delay=wait, tag="backoff")
        else:
            for _ in range(min(parallelism - len(active), completions - succeeded - len(active))):
                create_pod(job, spec.get("template", {}), None, {"job-name": job["metadata"]["name"],
                                                                 "controller-uid": uid})
            st["active"] = len([p for p in store.owned("Pod", job)
                                if p["status"].get("phase") not in ("Succeeded", "Failed")])
    for field in ("active", "succeeded", "failed"):
        if not st.get(field):
            st.pop(field, None)
    store.put_if_changed(job)


SYNC = {"Deployment": sync_deployment, "ReplicaSet": sync_replicaset, "StatefulSet": sync_statefulset,
        "DaemonSet": sync_daemonset, "Job": sync_job}


def start():
    store.listeners.append(on_change)
