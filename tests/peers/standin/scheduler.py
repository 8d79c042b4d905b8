"""The pretend kube-scheduler: binds pending pods to nodes, or says why it cannot, in the wording
of the emulated version, and retries whenever nodes, pods or volumes change and every second
(pkg/scheduler/internal/queue/scheduling_queue.go: unschedulable pods are moved back on cluster
events and flushed periodically).

Reasons (per node, the first failing check in the version's order; counted into a histogram sorted
as strings, pkg/scheduler/core/generic_scheduler.go FitError.Error (1.14-1.20),
pkg/scheduler/framework/types.go FitError.Error (1.33)):
- taints: pkg/scheduler/algorithm/predicates/error.go ErrTaintsTolerationsNotMatch (1.14, 1.16)
  "node(s) had taints that the pod didn't tolerate"; framework/plugins/tainttoleration (1.20)
  "node(s) had taint {k: v}, that the pod didn't tolerate"; (1.25+) "node(s) had untolerated taint {k: v}";
- NotReady nodes carry the node.kubernetes.io/not-ready taint (TaintNodesByCondition, on from 1.12);
- "node(s) were unschedulable"; "node(s) didn't match node selector" (1.33: "node(s) didn't match
  Pod's node affinity/selector"); "Insufficient cpu|memory", "Too many pods";
- volumes: "pod has unbound immediate PersistentVolumeClaims" (1.14/1.16: the whole message;
  1.20: counted per node; 1.33: a PreFilter message without a count), "node(s) had volume node
  affinity conflict";
- 1.33 appends the PostFilter (preemption) summary: "preemption: 0/N nodes are available: 1
  Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.." (two
  periods: the PostFilter message ends in "." and FitError.Error adds " %v." - as real 1.27+
  clusters print it).
"""
import threading, time

from . import events, store

_wake = threading.Event()
NOT_READY_TAINT = {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def pod_requests(spec):
    total = {}
    for c in spec.get("containers", []):
        for k, v in (c.get("resources") or {}).get("requests", {}).items():
            total[k] = total.get(k, 0) + store.quantity(v)
    # Init containers run one at a time: the largest request counts (pkg/api/v1/resource).
    for c in spec.get("initContainers", []):
        for k, v in (c.get("resources") or {}).get("requests", {}).items():
            total[k] = max(total.get(k, 0), store.quantity(v))
    return total


def is_ready_node(node):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in node.get("status", {}).get("conditions", []))


def tolerates(pod, taint):
    for t in pod["spec"].get("tolerations") or []:
        if t.get("effect") and t["effect"] != taint.get("effect"):
            continue
        if t.get("operator") == "Exists":
            if not t.get("key") or t["key"] == taint["key"]:
                return True
        elif t.get("key") == taint["key"] and t.get("value", "") == taint.get("value", ""):
            return True
    return False


def untolerated_taint(pod, node):
    taints = list(node.get("spec", {}).get("taints") or [])
    if not is_ready_node(node):
        taints.append(NOT_READY_TAINT)
    for taint in taints:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(pod, taint):
            return taint
    return None


def _expr_match(expr, labels):
    op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
    if op == "In":
        return labels.get(key) in values
    if op == "NotIn":
        return labels.get(key) not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    return False


def node_selector_terms_match(terms, node):
    labels = node["metadata"].get("labels", {})
    fields = {"metadata.name": node["metadata"]["name"]}
    for term in terms:
        if all(_expr_match(e, labels) for e in term.get("matchExpressions") or []) and \
                all(_expr_match(e, fields) for e in term.get("matchFields") or []):
            return True
    return False


def selector_matches(pod, node):
    labels = node["metadata"].get("labels", {})
    if any(labels.get(k) != v for k, v in (pod["spec"].get("nodeSelector") or {}).items()):
        return False
    required = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution")
    if required and not node_selector_terms_match(required.get("nodeSelectorTerms") or [], node):
        return False
    return True


def used_on(node_name):
    used, count = {}, 0
    for pod in store.of_kind("Pod"):
        if pod["spec"].get("nodeName") == node_name and pod.get("status", {}).get("phase") not in ("Succeeded",
                                                                                                  "Failed"):
            count += 1
            for k, v in pod_requests(pod["spec"]).items():
                used[k] = used.get(k, 0) + v
    return used, count


def resource_reasons(pod, node):
    allocatable = node.get("status", {}).get("allocatable") or node.get("status", {}).get("capacity") or {}
    used, count = used_on(node["metadata"]["name"])
    reasons = []
    if "pods" in allocatable and count + 1 > store.quantity(allocatable["pods"]):
        reasons.append("Too many pods")
    for res, q in sorted(pod_requests(pod["spec"]).items()):
        if res in allocatable and used.get(res, 0) + q > store.quantity(allocatable[res]):
            reasons.append(f"Insufficient {res}")
    return reasons


def claims_of(pod):
    ns = pod["metadata"]["namespace"]
    for v in pod["spec"].get("volumes") or []:
        claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
        if claim:
            yield store.get("PersistentVolumeClaim", ns, claim), claim


def volume_prefilter(pod):
    """The message of a pod whose claims stop it before any node is looked at, or None."""
    for pvc, name in claims_of(pod):
        if pvc is None:
            return f'persistentvolumeclaim "{name}" not found'
        if pvc.get("status", {}).get("phase") != "Bound":
            return "pod has unbound immediate PersistentVolumeClaims"
    return None


def volume_conflict(pod, node):
    for pvc, _ in claims_of(pod):
        pv = store.get("PersistentVolume", "", (pvc or {}).get("spec", {}).get("volumeName", ""))
        required = ((pv or {}).get("spec", {}).get("nodeAffinity") or {}).get("required")
        if required and not node_selector_terms_match(required.get("nodeSelectorTerms") or [], node):
            return True
    return False


def taint_text(taint):
    style = store.profile["scheduler"]
    pair = "{%s: %s}" % (taint["key"], taint.get("value", ""))
    if style == "predicates":
        return "node(s) had taints that the pod didn't tolerate"
    if style == "framework-1.20":
        return f"node(s) had taint {pair}, that the pod didn't tolerate"
    return f"node(s) had untolerated taint {pair}"


def node_reasons(pod, node):
    """(reasons, resolvable by preemption) of one node, or ([], True) when the pod fits."""
    style = store.profile["scheduler"]
    unschedulable = bool(node.get("spec", {}).get("unschedulable")) and not tolerates(pod, UNSCHEDULABLE_TAINT)
    taint = untolerated_taint(pod, node)
    selector = not selector_matches(pod, node)
    selector_text = "node(s) didn't match Pod's node affinity/selector" if style == "framework-1.33" \
        else "node(s) didn't match node selector"
    checks = {
        "unschedulable": lambda: ["node(s) were unschedulable"] if unschedulable else [],
        "taint": lambda: [taint_text(taint)] if taint else [],
        "selector": lambda: [selector_text] if selector else [],
        "resources": lambda: resource_reasons(pod, node),
        "volume": lambda: ["node(s) had volume node affinity conflict"] if volume_conflict(pod, node) else [],
    }
    if style == "predicates":
        # predicatesOrdering (1.14): CheckNodeUnschedulable, GeneralPredicates (resources and node
        # selector together), PodToleratesNodeTaints, CheckVolumeBinding.
        order = [("unschedulable",), ("resources", "selector"), ("taint",), ("volume",)]
    elif style == "framework-1.20":
        order = [("unschedulable",), ("resources",), ("selector",), ("taint",), ("volume",)]
    else:
        order = [("unschedulable",), ("taint",), ("selector",), ("resources",), ("volume",)]
    for group in order:
        reasons = [r for name in group for r in checks[name]()]
        if reasons:
            return reasons, group == ("resources",)
    return [], True


def histogram(counts):
    return ", ".join(sorted(f"{n} {reason}" for reason, n in counts.items()))


def fit_error(pod, nodes):
    style = store.profile["scheduler"]
    n = len(nodes)
    head = f"0/{n} nodes are available"
    prefilter = volume_prefilter(pod)
    if prefilter:
        if style == "predicates":
            return prefilter
        if style == "framework-1.20":
            return f"{head}: {n} {prefilter}."
        victims = "No preemption victims found for incoming pod" if prefilter.endswith("not found") \
            else "Preemption is not helpful for scheduling"
        # The PostFilter message already ends in "." and FitError adds " %v." after it: real 1.27+
        # messages end in "..".
        return f"{head}: {prefilter}. preemption: {head}: {n} {victims}.."
    counts, preemption = {}, {}
    fits = []
    for node in nodes:
        reasons, resolvable = node_reasons(pod, node)
        if not reasons:
            fits.append(node)
            continue
        for r in reasons:
            counts[r] = counts.get(r, 0) + 1
        p = "No preemption victims found for incoming pod" if resolvable else "Preemption is not helpful for scheduling"
        preemption[p] = preemption.get(p, 0) + 1
    if fits:
        return fits
    message = f"{head}: {histogram(counts)}."
    if style == "framework-1.33":
        message += f" preemption: {head}: {histogram(preemption)}.."
    return message


def pending_pods():
    return [p for p in store.of_kind("Pod") if not p["spec"].get("nodeName")
            and p.get("status", {}).get("phase", "Pending") == "Pending"
            and p["spec"].get("schedulerName", "default-scheduler") == "default-scheduler"]


def schedule_one(pod):
    nodes = store.of_kind("Node")
    result = fit_error(pod, nodes)
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    if isinstance(result, list):
        # Of the nodes that fit, the least used (NodeResourcesFit LeastAllocated, roughly).
        def free(node):
            alloc = node.get("status", {}).get("allocatable", {})
            used, _ = used_on(node["metadata"]["name"])
            return store.quantity(alloc.get("cpu", "0")) - used.get("cpu", 0)
        node = max(result, key=free)
        pod["spec"]["nodeName"] = node["metadata"]["name"]
        store.set_condition(pod, "PodScheduled", "True")
        store.put(pod)
        events.event(pod, "Scheduled", f"Successfully assigned {ns}/{name} to {node['metadata']['name']}",
                     "Normal", "default-scheduler", action="Binding")
        return
    before = [dict(c) for c in pod.get("status", {}).get("conditions", [])]
    store.set_condition(pod, "PodScheduled", "False", "Unschedulable", result)
    if pod["status"]["conditions"] != before:
        store.put(pod)
    # Every failed attempt is reported; a repeat becomes a `series` (events.k8s.io) or a `count`.
    events.event(pod, "FailedScheduling", result, "Warning", "default-scheduler", action="Scheduling")


# Unschedulable pods wait before the next attempt: 1 s doubling up to 10 s
# (pkg/scheduler/internal/queue: podInitialBackoffDuration, podMaxBackoffDuration), unless the
# cluster changes (MoveAllToActiveOrBackoffQueue on node, pod and volume events).
_backoff = {}  # pod uid -> (next attempt time, current back-off)


def schedule_all(changed):
    now = time.time()
    for pod in pending_pods():
        uid = pod["metadata"]["uid"]
        due, backoff = _backoff.get(uid, (0.0, 0.5))
        if not changed and now < due:
            continue
        schedule_one(pod)
        if not pod["spec"].get("nodeName"):
            backoff = min(backoff * 2, 10.0)
            _backoff[uid] = (now + backoff, backoff)
        else:
            _backoff.pop(uid, None)


def on_change(type_, old, new):
    obj = new or old
    if obj["kind"] in ("Node", "PersistentVolumeClaim", "PersistentVolume") or \
            (obj["kind"] == "Pod" and (type_ in ("ADDED", "DELETED")
                                       or new.get("status", {}).get("phase") in ("Succeeded", "Failed"))):
        _wake.set()


def loop():
    while True:
        changed = _wake.wait(1.0)
        _wake.clear()
        with store.lock:
            if pending_pods():
                schedule_all(changed)
                store.dump()


def start():
    store.listeners.append(on_change)
    _wake.set()  # the preloaded pending pods at once
    threading.Thread(target=loop, daemon=True).start()
