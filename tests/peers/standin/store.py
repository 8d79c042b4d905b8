"""The stand-in's storage: objects by (kind, namespace, name), one global resourceVersion counter
(etcd's revision), and a bounded watch history per resource type (the API server's watch cache,
staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go, capacity --default-watch-cache-size=100).
"""
import collections, copy, json, os, random, threading, time, uuid

# Set by main() before anything runs.
args = None
profile = None

# (group, version, plural, kind, namespaced)
RESOURCES = [
    ("", "v1", "namespaces", "Namespace", False),
    ("", "v1", "nodes", "Node", False),
    ("", "v1", "secrets", "Secret", True),
    ("", "v1", "serviceaccounts", "ServiceAccount", True),
    ("", "v1", "configmaps", "ConfigMap", True),
    ("", "v1", "services", "Service", True),
    ("", "v1", "pods", "Pod", True),
    ("", "v1", "events", "Event", True),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True),
    ("", "v1", "persistentvolumes", "PersistentVolume", False),
    ("", "v1", "resourcequotas", "ResourceQuota", True),
    ("apps", "v1", "deployments", "Deployment", True),
    ("apps", "v1", "replicasets", "ReplicaSet", True),
    ("apps", "v1", "statefulsets", "StatefulSet", True),
    ("apps", "v1", "daemonsets", "DaemonSet", True),
    ("batch", "v1", "jobs", "Job", True),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", True),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", True),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True),
]
BY_PATH = {}
BY_KIND = {}


def serve(resources):
    """Sets the served resources (per profile: networking.k8s.io/v1 Ingress exists from 1.19; older
    servers serve networking.k8s.io/v1beta1)."""
    RESOURCES[:] = resources
    BY_PATH.clear()
    BY_KIND.clear()
    BY_PATH.update({(g, v, plural): (kind, ns) for g, v, plural, kind, ns in RESOURCES})
    BY_KIND.update({kind: (g, v, plural, ns) for g, v, plural, kind, ns in RESOURCES})


serve(list(RESOURCES))
WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")

lock = threading.RLock()
changed = threading.Condition(lock)
objects = {}  # (kind, namespace, name) -> object
rv = [100]
pod_logs = {}  # pod uid -> text
node_ports = {}  # port -> "ns/service"
# Per kind: the kept events (resourceVersion, type, object) and the resourceVersion below which a
# resumed watch is too old (oldest kept - 1 once something was dropped; 0 while nothing was).
history = collections.defaultdict(collections.deque)
floor = collections.defaultdict(int)
# Per kind: the newest resourceVersion that fell out of the window (an open watch behind it is ended).
dropped = collections.defaultdict(int)
# Incremented by "close-watches": every open watch stream ends.
watch_epoch = [0]
# fn(type, old, new) called (under the lock) after every stored change.
listeners = []


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def micro_now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


def timeline(what):
    if args.timeline:
        with open(args.timeline, "a") as f:
            f.write(f"{time.time():.6f} {what}\n")


def log(line):
    with open(args.log, "a") as f:
        f.write(line + "\n")


def api_version(kind):
    g, v, _, _ = BY_KIND[kind]
    return f"{g}/{v}" if g else v


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    if details:
        body["details"] = details
    return code, body


def dump():
    with open(args.dump + ".tmp", "w") as f:
        json.dump(list(objects.values()), f, indent=1)
    os.replace(args.dump + ".tmp", args.dump)


def key_of(obj):
    return (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


def window():
    return args.watch_window


def record(type_, obj):
    kind = obj["kind"]
    kept = history[kind]
    kept.append((int(obj["metadata"]["resourceVersion"]), type_, copy.deepcopy(obj)))
    lost = False
    while len(kept) > window():
        dropped[kind] = kept.popleft()[0]
        lost = True
    if lost:
        floor[kind] = kept[0][0] - 1
    changed.notify_all()


def compact():
    """Drops every kept event: any resume from before now is too old (what a relist after an etcd
    compaction, or an API server restart, looks like to a client)."""
    for kind in list(BY_KIND):
        history[kind].clear()
        floor[kind] = rv[0]
    changed.notify_all()


def close_watches():
    watch_epoch[0] += 1
    changed.notify_all()


def too_old(kind, since):
    """The Status a watch from `since` gets when the kind's history no longer reaches back to it."""
    if since < floor[kind]:
        return status(410, profile["expired_reason"], f"too old resource version: {since} ({floor[kind]})")[1]
    return None


def notify(type_, old, new):
    for fn in list(listeners):
        fn(type_, old, new)


def put(obj, event=None):
    """Stores obj (stamped) and tells watchers and controllers; returns it."""
    kind = obj["kind"]
    meta = obj.setdefault("metadata", {})
    key = (kind, meta.get("namespace", ""), meta["name"])
    old = objects.get(key)
    rv[0] += 1
    meta["resourceVersion"] = str(rv[0])
    meta.setdefault("uid", str(uuid.uuid4()))
    meta.setdefault("creationTimestamp", now())
    obj["apiVersion"] = api_version(kind)
    if old and old.get("spec") != obj.get("spec"):
        meta["generation"] = old["metadata"].get("generation", 1) + 1
    elif old:
        meta["generation"] = old["metadata"].get("generation", 1)
    else:
        meta.setdefault("generation", 1)
    objects[key] = obj
    type_ = event or ("MODIFIED" if old else "ADDED")
    record(type_, obj)
    notify(type_, old, obj)
    return obj


def put_if_changed(obj):
    """Writes obj only if it differs from what is stored (controllers write nothing when nothing changed)."""
    old = objects.get(key_of(obj))
    if old is not None:
        a, b = dict(old), dict(obj)
        a["metadata"] = {k: v for k, v in old["metadata"].items() if k != "resourceVersion"}
        b["metadata"] = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
        if a == b:
            return old
    return put(obj)


def remove(key):
    obj = objects.pop(key, None)
    if not obj:
        return
    if obj["kind"] == "Service":
        for port in [p for p, owner in node_ports.items() if owner == f"{key[1]}/{key[2]}"]:
            del node_ports[port]
    rv[0] += 1
    obj["metadata"]["resourceVersion"] = str(rv[0])
    record("DELETED", obj)
    uid = obj["metadata"]["uid"]
    # The garbage collector: what this object owned goes with it.
    for k, o in list(objects.items()):
        if any(r.get("uid") == uid for r in o["metadata"].get("ownerReferences", [])):
            remove(k)
    if obj["kind"] == "Namespace":
        for k in [k for k in objects if k[1] == key[2]]:
            remove(k)
    notify("DELETED", obj, None)


def get(kind, ns, name):
    return objects.get((kind, ns, name))


def of_kind(kind, ns=None):
    return [o for (k, n, _), o in sorted(objects.items()) if k == kind and (ns is None or n == ns)]


def later(seconds, fn, *a):
    """Runs fn(*a) under the lock after `seconds`, then writes the dump."""
    def run():
        with lock:
            try:
                fn(*a)
            finally:
                dump()
    timer = threading.Timer(max(0.0, seconds), run)
    timer.daemon = True
    timer.start()
    return timer


def suffix(n=5):
    return "".join(random.choices("bcdfghjklmnpqrstvwxz2456789", k=n))


def owner_ref(obj):
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def controller_of(obj):
    for ref in obj["metadata"].get("ownerReferences", []):
        if ref.get("controller"):
            return (ref["kind"], obj["metadata"].get("namespace", ""), ref["name"])
    return None


def owned(kind, owner):
    uid = owner["metadata"]["uid"]
    return [o for o in objects.values() if o["kind"] == kind
            and any(r.get("uid") == uid for r in o["metadata"].get("ownerReferences", []))]


def quantity(text):
    text = str(text)
    units = {"m": 0.001, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix_, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if text.endswith(suffix_):
            return float(text[:-len(suffix_)]) * factor
    return float(text)


def set_condition(obj, type_, status_, reason=None, message=None):
    """Sets a condition in place; lastTransitionTime moves only when the status does, lastUpdateTime
    (Deployments) when anything does."""
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    old = next((c for c in conditions if c["type"] == type_), None)
    if old and old["status"] == status_ and old.get("reason") == reason and old.get("message") == message:
        return
    t = now()
    condition = {"type": type_, "status": status_,
                 "lastTransitionTime": old["lastTransitionTime"] if old and old["status"] == status_ else t}
    if obj["kind"] == "Deployment":
        condition["lastUpdateTime"] = t
    if obj["kind"] == "Job":
        condition["lastProbeTime"] = t
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    if old:
        conditions[conditions.index(old)] = condition
    else:
        conditions.append(condition)


def drop_condition(obj, type_):
    conditions = obj.get("status", {}).get("conditions", [])
    obj["status"]["conditions"] = [c for c in conditions if c["type"] != type_]


def has_condition(obj, type_, status_="True"):
    return any(c["type"] == type_ and c["status"] == status_ for c in obj.get("status", {}).get("conditions", []))
