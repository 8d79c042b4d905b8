#!/usr/bin/env python3
"""A STAND-IN for a Kubernetes API server, for tests only: no kube-apiserver can run on these
machines (no k3s, kind or container images). It is not Kubernetes; it serves enough of the API,
with the real API's shapes and rules, for the real helm CLI (3.x and 4.x) to install, upgrade,
roll back and uninstall, and for Deckhand's own kube client:

- /version, discovery (/api, /apis, group versions), no OpenAPI (helm runs with
  --disable-openapi-validation against it);
- get, list (label and field selectors), watch (streamed, resumable by resourceVersion), create
  (JSON, and the protobuf bodies client-go sends for Secrets, ConfigMaps and Namespaces), replace,
  patch (merge, JSON, strategic - approximated - and server-side apply), delete with cascading to
  owned objects; pod logs;
- TLS (--tls-cert/--tls-key) and bearer-token auth (401); 404/409/422 Status bodies worded like the real API's; uid,
  resourceVersion, generation, creationTimestamp stamped; optimistic concurrency on replace;
  NodePorts allocated once ("provided port is already allocated");
- pretend controllers and a kubelet whose behaviour the tests choose through the image tag of a
  pod's first container: `ready` (default; ready after --ready-ms), `ready-after-<ms>`, `unready`,
  `pull-missing`, `pull-denied`, `crash`, `oom`, `job-fail`; and from the objects themselves:
  a missing Secret/ConfigMap in env -> CreateContainerConfigError, requests above the one node's
  allocatable (cpu 1500m, memory 4Gi) -> Unschedulable, a full ResourceQuota -> FailedCreate,
  progressDeadlineSeconds passed -> ProgressDeadlineExceeded; with the events the real components
  write. A new namespace gets its `default` service account a second later.

--dump writes every stored object as JSON after each change; --log appends "METHOD path" lines;
--timeline appends "<epoch seconds> <what>" for cluster happenings (e.g. "pod-ready ns/name").
Prints "PORT <n>".
"""
import argparse, base64, copy, hashlib, http.server, json, os, random, socketserver, string, threading, time, uuid
from urllib.parse import parse_qs, urlsplit

p = argparse.ArgumentParser()
p.add_argument("--token", required=True)
p.add_argument("--git-version", default="v1.30.4")
p.add_argument("--preload", help="JSON list of objects to start with")
p.add_argument("--dump", required=True)
p.add_argument("--log", required=True)
p.add_argument("--timeline")
p.add_argument("--ready-ms", type=int, default=300)
p.add_argument("--port", type=int, default=0)
# client-go sends no credentials to a plain-http server, so helm needs TLS.
p.add_argument("--tls-cert")
p.add_argument("--tls-key")
args = p.parse_args()

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
BY_PATH = {(g, v, plural): (kind, ns) for g, v, plural, kind, ns in RESOURCES}
BY_KIND = {kind: (g, v, plural, ns) for g, v, plural, kind, ns in RESOURCES}
WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")
NODE_ALLOCATABLE = {"cpu": "1500m", "memory": "4Gi", "pods": "110"}

lock = threading.RLock()
changed = threading.Condition(lock)
store = {}  # (kind, namespace, name) -> object
history = []  # (resourceVersion, type, object) for watches
rv = [100]
pod_logs = {}  # pod uid -> text
node_ports = {}  # port -> "ns/service"


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def timeline(what):
    if args.timeline:
        with open(args.timeline, "a") as f:
            f.write(f"{time.time():.6f} {what}\n")


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
        json.dump(list(store.values()), f, indent=1)
    os.replace(args.dump + ".tmp", args.dump)


def record(kind_of_change, obj):
    history.append((int(obj["metadata"]["resourceVersion"]), kind_of_change, copy.deepcopy(obj)))
    changed.notify_all()


def put(obj, event=None):
    """Stores obj (stamped) and tells the watchers; returns it."""
    kind = obj["kind"]
    meta = obj.setdefault("metadata", {})
    key = (kind, meta.get("namespace", ""), meta["name"])
    old = store.get(key)
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
    store[key] = obj
    record(event or ("MODIFIED" if old else "ADDED"), obj)
    return obj


def remove(key):
    obj = store.pop(key, None)
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
    for k, o in list(store.items()):
        if any(r.get("uid") == uid for r in o["metadata"].get("ownerReferences", [])):
            remove(k)
    if obj["kind"] == "Namespace":
        for k in [k for k in store if k[1] == key[2]]:
            remove(k)
    owner = controller_of(obj)
    if obj["kind"] == "Pod" and owner:
        settle(owner)


# ---- selectors ----

def parse_label_selector(text):
    reqs = []
    depth, part, parts = 0, "", []
    for ch in text or "":
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += ch
    parts.append(part)
    for part in (p.strip() for p in parts if p.strip()):
        if " notin " in part:
            k, vs = part.split(" notin ")
            reqs.append((k.strip(), "notin", {v.strip() for v in vs.strip("() ").split(",")}))
        elif " in " in part:
            k, vs = part.split(" in ")
            reqs.append((k.strip(), "in", {v.strip() for v in vs.strip("() ").split(",")}))
        elif "!=" in part:
            k, v = part.split("!=")
            reqs.append((k.strip(), "notin", {v.strip()}))
        elif "=" in part:
            k, v = part.replace("==", "=").split("=")
            reqs.append((k.strip(), "in", {v.strip()}))
        elif part.startswith("!"):
            reqs.append((part[1:], "absent", None))
        else:
            reqs.append((part, "exists", None))
    return reqs


def labels_match(reqs, labels):
    for k, op, vs in reqs:
        if op == "in" and labels.get(k) not in vs:
            return False
        if op == "notin" and k in labels and labels[k] in vs:
            return False
        if op == "exists" and k not in labels:
            return False
        if op == "absent" and k in labels:
            return False
    return True


def fields_match(text, obj):
    for part in filter(None, (text or "").split(",")):
        negate = "!=" in part
        path, want = part.replace("!=", "=").replace("==", "=").split("=", 1)
        value = obj
        for step in path.split("."):
            value = value.get(step, "") if isinstance(value, dict) else ""
        if (str(value) == want) == negate:
            return False
    return True


# ---- patches ----

def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


MERGE_KEYS = ("name", "containerPort", "port", "mountPath", "devicePath", "ip", "type", "topologyKey")


def strategic_patch(target, patch):
    """An approximation of strategic merge: maps merge, lists of keyed maps merge by key, the
    $-directives helm's three-way patches carry are honoured or ignored."""
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: v for k, v in copy.deepcopy(patch).items() if k != "$patch"}
    result = copy.deepcopy(target)
    for k, v in patch.items():
        if k.startswith("$setElementOrder/") or k in ("$retainKeys", "$patch"):
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            result[field] = [x for x in result.get(field, []) if x not in v]
            continue
        if v is None:
            result.pop(k, None)
        elif isinstance(v, dict) and isinstance(result.get(k), dict):
            result[k] = strategic_patch(result[k], v)
        elif isinstance(v, list) and isinstance(result.get(k), list) and v and all(isinstance(x, dict) for x in v):
            key = next((mk for mk in MERGE_KEYS if all(mk in x or "$patch" in x for x in v)), None)
            if key is None:
                result[k] = copy.deepcopy(v)
                continue
            merged = list(result[k])
            for item in v:
                idx = next((i for i, x in enumerate(merged) if x.get(key) == item.get(key)), None)
                if item.get("$patch") == "delete":
                    if idx is not None:
                        merged.pop(idx)
                elif idx is None:
                    merged.append(copy.deepcopy(item))
                else:
                    merged[idx] = strategic_patch(merged[idx], item)
            result[k] = merged
        else:
            result[k] = copy.deepcopy(v)
    return result


def json_patch(target, ops):
    result = copy.deepcopy(target)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = result
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.setdefault(part, {})
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), op["value"]) if op["op"] == "add" \
                    else parent.__setitem__(int(last), op["value"])
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            parent.pop(int(last) if isinstance(parent, list) else last)
    return result


def apply_patch(target, applied):
    """Server-side apply, approximated: the applier owns every top-level field it sends."""
    if target is None:
        return copy.deepcopy(applied)
    result = copy.deepcopy(target)
    for k, v in applied.items():
        if k == "metadata":
            for mk in ("labels", "annotations"):
                if mk in v:
                    result["metadata"][mk] = {**result["metadata"].get(mk, {}), **v[mk]}
        elif k != "status":
            result[k] = copy.deepcopy(v)
    return result


# ---- protobuf (the bodies client-go sends for typed creates and updates) ----

def pb_fields(b):
    i = 0
    while i < len(b):
        key, i = pb_varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = pb_varint(b, i)
        elif wire == 2:
            n, i = pb_varint(b, i)
            value, i = b[i:i + n], i + n
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield num, value


def pb_varint(b, i):
    shift = result = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def pb_map(entry, value_bytes=False):
    k = v = None
    for num, val in pb_fields(entry):
        if num == 1:
            k = val.decode()
        elif num == 2:
            v = base64.b64encode(val).decode() if value_bytes else val.decode()
    return k, v if v is not None else ""


def pb_meta(b):
    meta = {}
    strings = {1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"}
    for num, val in pb_fields(b):
        if num in strings and val:
            meta[strings[num]] = val.decode()
        elif num in (11, 12):
            k, v = pb_map(val)
            meta.setdefault("labels" if num == 11 else "annotations", {})[k] = v
        elif num == 13:
            ref = {}
            names = {1: "kind", 3: "name", 4: "uid", 5: "apiVersion"}
            for n, x in pb_fields(val):
                if n in names:
                    ref[names[n]] = x.decode()
                elif n in (6, 7):
                    ref["controller" if n == 6 else "blockOwnerDeletion"] = bool(x)
            meta.setdefault("ownerReferences", []).append(ref)
        elif num == 14:
            meta.setdefault("finalizers", []).append(val.decode())
    return meta


def pb_object(body):
    if body[:4] != b"k8s\x00":
        raise ValueError("no k8s protobuf magic")
    kind, raw = None, b""
    for num, val in pb_fields(body[4:]):
        if num == 1:
            for n, x in pb_fields(val):
                if n == 2:
                    kind = x.decode()
        elif num == 2:
            raw = val
    obj = {"kind": kind}
    for num, val in pb_fields(raw):
        if num == 1:
            obj["metadata"] = pb_meta(val)
        elif kind == "Secret" and num in (2, 4):
            k, v = pb_map(val, value_bytes=(num == 2))
            obj.setdefault("data" if num == 2 else "stringData", {})[k] = v
        elif kind == "Secret" and num == 3:
            obj["type"] = val.decode()
        elif kind == "ConfigMap" and num == 2:
            k, v = pb_map(val)
            obj.setdefault("data", {})[k] = v
        elif kind == "Namespace" and num == 2:
            obj["spec"] = {"finalizers": [x.decode() for n, x in pb_fields(val) if n == 1]}
    if kind not in ("Secret", "ConfigMap", "Namespace"):
        raise ValueError(f"protobuf {kind} is not understood by this stand-in")
    return obj


# ---- the pretend controllers and kubelet ----

def quantity(text):
    text = str(text)
    units = {"m": 0.001, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if text.endswith(suffix):
            return float(text[:-len(suffix)]) * factor
    return float(text)


def later(seconds, fn, *a):
    def run():
        with lock:
            fn(*a)
            dump()
    timer = threading.Timer(seconds, run)
    timer.daemon = True
    timer.start()


def event(obj, reason, message, type_="Warning", component="kubelet"):
    meta = obj["metadata"]
    name = f"{meta['name']}.{random.getrandbits(48):x}"
    put({"kind": "Event", "metadata": {"name": name, "namespace": meta.get("namespace", "default")},
         "involvedObject": {"kind": obj["kind"], "name": meta["name"], "namespace": meta.get("namespace", ""),
                            "uid": meta["uid"], "apiVersion": obj["apiVersion"]},
         "reason": reason, "message": message, "type": type_, "source": {"component": component},
         "firstTimestamp": now(), "lastTimestamp": now(), "count": 1})


def owner_ref(obj):
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def controller_of(obj):
    for ref in obj["metadata"].get("ownerReferences", []):
        if ref.get("controller"):
            return (ref["kind"], obj["metadata"].get("namespace", ""), ref["name"])
    return None


def owned(kind, owner):
    return [o for o in store.values() if o["kind"] == kind
            and any(r.get("uid") == owner["metadata"]["uid"] for r in o["metadata"].get("ownerReferences", []))]


def suffix(n=5):
    return "".join(random.choices("bcdfghjklmnpqrstvwxz2456789", k=n))


def template_hash(template):
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:10]


def pod_requests(spec):
    total = {}
    for c in spec.get("containers", []):
        for k, v in c.get("resources", {}).get("requests", {}).items():
            total[k] = total.get(k, 0) + quantity(v)
    return total


def quota_refusal(ns, pod_name, spec):
    wanted = pod_requests(spec)
    for quota in [o for o in store.values() if o["kind"] == "ResourceQuota" and o["metadata"]["namespace"] == ns]:
        for key, hard in quota.get("spec", {}).get("hard", {}).items():
            res = key.split(".", 1)[1] if key.startswith("requests.") else key
            if res not in wanted:
                continue
            used = sum(pod_requests(o["spec"]).get(res, 0) for o in store.values()
                       if o["kind"] == "Pod" and o["metadata"]["namespace"] == ns)
            if used + wanted[res] > quantity(hard):
                fmt = lambda q: f"{q:g}" if res != "cpu" or q >= 1 else f"{int(q * 1000)}m"
                return (f'pods "{pod_name}" is forbidden: exceeded quota: {quota["metadata"]["name"]}, requested: '
                        f"{key}={fmt(wanted[res])}, used: {key}={fmt(used)}, limited: {key}={hard}")
    return None


def create_pod(owner, template, name, extra_labels=None):
    ns = owner["metadata"]["namespace"]
    spec = copy.deepcopy(template.get("spec", {}))
    refusal = quota_refusal(ns, name, spec)
    if refusal:
        return refusal
    labels = {**template.get("metadata", {}).get("labels", {}), **(extra_labels or {})}
    pod = put({"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels,
                                            "ownerReferences": [owner_ref(owner)]},
               "spec": {**spec, "nodeName": "standin-node"},
               "status": {"phase": "Pending", "conditions": [], "containerStatuses": [
                   {"name": c["name"], "image": c.get("image", ""), "ready": False, "restartCount": 0,
                    "state": {"waiting": {"reason": "ContainerCreating"}}} for c in spec.get("containers", [])]}})
    start_pod(pod)
    return None


def behaviour_of(pod):
    containers = pod["spec"].get("containers", [])
    image = containers[0].get("image", "") if containers else ""
    return image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "ready"


def pod_key(pod):
    return ("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])


def start_pod(pod):
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    needs = pod_requests(pod["spec"])
    short = [r for r, q in needs.items() if r in NODE_ALLOCATABLE and q > quantity(NODE_ALLOCATABLE[r])]
    if short:
        message = (f"0/1 nodes are available: {', '.join(f'1 Insufficient {r}' for r in short)}. preemption: 0/1 "
                   "nodes are available: 1 No preemption victims found for incoming pod.")
        pod["spec"].pop("nodeName")
        pod["status"]["conditions"] = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                        "message": message, "lastTransitionTime": now()}]
        put(pod)
        event(pod, "FailedScheduling", message, component="default-scheduler")
        return
    event(pod, "Scheduled", f"Successfully assigned {ns}/{name} to standin-node", "Normal", "default-scheduler")
    missing = missing_config(pod)
    behaviour = behaviour_of(pod)
    image = pod["spec"]["containers"][0].get("image", "")
    if missing:
        later(0.1, wait_state, pod_key(pod), "CreateContainerConfigError", missing, "Failed", f"Error: {missing}")
    elif behaviour in ("pull-missing", "pull-denied"):
        message = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve '
                   f'reference "{image}": {image}: not found') if behaviour == "pull-missing" else \
            (f'rpc error: code = Unknown desc = failed to pull and unpack image "{image}": failed to resolve reference '
             f'"{image}": pull access denied, repository does not exist or may require authorization: server message: '
             "insufficient_scope: authorization failed")
        later(0.1, wait_state, pod_key(pod), "ErrImagePull", message, "Failed",
              f'Failed to pull image "{image}": {message}')
        later(0.3, wait_state, pod_key(pod), "ImagePullBackOff", f'Back-off pulling image "{image}"', "BackOff",
              f'Back-off pulling image "{image}"')
    elif behaviour in ("crash", "oom", "job-fail"):
        pod_logs[pod["metadata"]["uid"]] = ("starting web 1.0\nlistening on :8080\n"
                                            "connecting to database db:5432\n"
                                            "fatal: cannot connect to database db:5432: connection refused\n")
        later(0.1, run_state, pod_key(pod), False)
        # A failing Job runs for a second, so that the test sees its "running" progress line even on a
        # loaded machine; crashes may be seen at any stage.
        later(1.0 if behaviour == "job-fail" else 0.25, terminated, pod_key(pod), behaviour)
    elif behaviour not in ("never", "stall"):
        delay = int(behaviour[len("ready-after-"):]) if behaviour.startswith("ready-after-") else args.ready_ms
        pod_logs[pod["metadata"]["uid"]] = "starting web 1.0\nlistening on :8080\n"
        later(delay / 1000, run_state, pod_key(pod), behaviour != "unready")


def missing_config(pod):
    ns = pod["metadata"]["namespace"]
    for c in pod["spec"].get("containers", []):
        refs = [("secret", e["secretRef"]["name"]) for e in c.get("envFrom", []) if "secretRef" in e]
        refs += [("configmap", e["configMapRef"]["name"]) for e in c.get("envFrom", []) if "configMapRef" in e]
        for env in c.get("env", []):
            source = env.get("valueFrom", {})
            if "secretKeyRef" in source:
                refs.append(("secret", source["secretKeyRef"]["name"]))
            if "configMapKeyRef" in source:
                refs.append(("configmap", source["configMapKeyRef"]["name"]))
        for kind, name in refs:
            if (("Secret" if kind == "secret" else "ConfigMap"), ns, name) not in store:
                return f'{kind} "{name}" not found'
    return None


def set_container(pod, state, ready, **extra):
    for cs in pod["status"]["containerStatuses"][:1]:
        cs["state"], cs["ready"] = state, ready
        cs.update(extra)


def set_condition(obj, type_, status_, reason=None, message=None):
    conditions = [c for c in obj["status"].setdefault("conditions", []) if c["type"] != type_]
    condition = {"type": type_, "status": status_, "lastTransitionTime": now(), "lastUpdateTime": now()}
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    obj["status"]["conditions"] = conditions + [condition]


def wait_state(key, reason, message, event_reason, event_message):
    pod = store.get(key)
    if not pod:
        return
    set_container(pod, {"waiting": {"reason": reason, "message": message}}, False)
    put(pod)
    event(pod, event_reason, event_message)


def run_state(key, ready):
    pod = store.get(key)
    if not pod:
        return
    owner = controller_of(pod)
    if owner and owner[0] == "Job" and ready:
        # A Job's pod completes instead of staying ready.
        return finish_job_pod(key)
    pod["status"]["phase"] = "Running"
    pod["status"]["podIP"] = "10.0.0.%d" % random.randint(2, 250)
    set_container(pod, {"running": {"startedAt": now()}}, ready)
    set_condition(pod, "PodScheduled", "True")
    set_condition(pod, "ContainersReady", "True" if ready else "False")
    set_condition(pod, "Ready", "True" if ready else "False")
    put(pod)
    if ready:
        timeline(f"pod-ready {key[1]}/{key[2]}")
    if owner:
        settle(owner)


def terminated(key, behaviour):
    pod = store.get(key)
    if not pod:
        return
    code, reason = (137, "OOMKilled") if behaviour == "oom" else (1, "Error")
    last = {"terminated": {"exitCode": code, "reason": reason, "startedAt": now(), "finishedAt": now()}}
    name = pod["spec"]["containers"][0]["name"]
    if behaviour == "job-fail":
        pod["status"]["phase"] = "Failed"
        set_container(pod, last, False)
        set_condition(pod, "Ready", "False")
    else:
        set_container(pod, {"waiting": {"reason": "CrashLoopBackOff", "message":
                                        f"back-off 10s restarting failed container={name} pod={key[2]}_{key[1]}"}},
                      False, lastState=last, restartCount=2)
        event(pod, "BackOff", "Back-off restarting failed container")
    put(pod)
    owner = controller_of(pod)
    if owner:
        settle(owner)


def pods_of(owner):
    return owned("Pod", owner)


def is_ready(pod):
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))


def settle(key):
    """Recomputes a workload's status (and its owner's) after something under it changed."""
    obj = store.get(key)
    if not obj:
        return
    kind = obj["kind"]
    pods = pods_of(obj)
    ready = sum(map(is_ready, pods))
    st = obj.setdefault("status", {})
    st["observedGeneration"] = obj["metadata"]["generation"]
    if kind == "ReplicaSet":
        st.update(replicas=len(pods), readyReplicas=ready, availableReplicas=ready,
                  fullyLabeledReplicas=len(pods))
    elif kind == "StatefulSet":
        st.update(replicas=len(pods), readyReplicas=ready, currentReplicas=len(pods), updatedReplicas=len(pods),
                  availableReplicas=ready, currentRevision=st.get("updateRevision"))
    elif kind == "DaemonSet":
        st.update(desiredNumberScheduled=1, currentNumberScheduled=len(pods), numberReady=ready,
                  updatedNumberScheduled=len(pods), numberAvailable=ready, numberMisscheduled=0)
    elif kind == "Job":
        succeeded = sum(p["status"]["phase"] == "Succeeded" for p in pods)
        failed = sum(p["status"]["phase"] == "Failed" for p in pods)
        st.update(active=len(pods) - succeeded - failed, succeeded=succeeded, failed=failed)
        if failed and not any(c["type"] == "Failed" for c in st.get("conditions", [])):
            set_condition(obj, "Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
            event(obj, "BackoffLimitExceeded", "Job has reached the specified backoff limit", component="job-controller")
        elif succeeded and not any(c["type"] == "Complete" for c in st.get("conditions", [])):
            set_condition(obj, "Complete", "True")
            st["completionTime"] = now()
    elif kind == "Deployment":
        settle_deployment(obj)
    put(obj)
    owner = controller_of(obj)
    if owner:
        settle(owner)


def settle_deployment(d):
    sets = owned("ReplicaSet", d)
    new = newest_replicaset(d, sets)
    want = d["spec"].get("replicas", 1)
    all_pods = [p for rs in sets for p in pods_of(rs)]
    ready = sum(map(is_ready, all_pods))
    updated = len(pods_of(new)) if new else 0
    new_ready = sum(map(is_ready, pods_of(new))) if new else 0
    st = d["status"]
    st.update(replicas=len(all_pods), updatedReplicas=updated, readyReplicas=ready, availableReplicas=ready,
              unavailableReplicas=max(0, want - ready))
    set_condition(d, "Available", "True" if ready >= want else "False",
                  "MinimumReplicasAvailable" if ready >= want else "MinimumReplicasUnavailable",
                  "Deployment has minimum availability." if ready >= want else
                  "Deployment does not have minimum availability.")
    progressing = next((c for c in st["conditions"] if c["type"] == "Progressing"), None)
    if new and new_ready >= want:
        set_condition(d, "Progressing", "True", "NewReplicaSetAvailable",
                      f'ReplicaSet "{new["metadata"]["name"]}" has successfully progressed.')
    elif not progressing or progressing.get("reason") != "ProgressDeadlineExceeded":
        set_condition(d, "Progressing", "True", "ReplicaSetUpdated",
                      f'ReplicaSet "{new["metadata"]["name"] if new else d["metadata"]["name"]}" is progressing.')


def newest_replicaset(d, sets):
    revision = d["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision")
    return next((rs for rs in sets
                 if rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision") == revision), None)


def scale_replicaset(rs):
    ns = rs["metadata"]["namespace"]
    pods = sorted(pods_of(rs), key=lambda p: p["metadata"]["creationTimestamp"])
    want = rs["spec"].get("replicas", 1)
    for pod in pods[want:]:
        remove(pod_key(pod))
    refusal = None
    for _ in range(want - len(pods)):
        refusal = create_pod(rs, rs["spec"]["template"], f"{rs['metadata']['name']}-{suffix()}",
                             {"pod-template-hash": rs["metadata"]["labels"]["pod-template-hash"]})
        if refusal:
            break
    rs = store[("ReplicaSet", ns, rs["metadata"]["name"])]
    rs.setdefault("status", {})["conditions"] = []
    if refusal:
        set_condition(rs, "ReplicaFailure", "True", "FailedCreate", refusal)
        put(rs)
        event(rs, "FailedCreate", f"Error creating: {refusal}", component="replicaset-controller")
    settle(("ReplicaSet", ns, rs["metadata"]["name"]))


def reconcile(key):
    """What the controllers do when a workload is written."""
    obj = store.get(key)
    if not obj or obj["kind"] not in WORKLOADS:
        return
    kind, ns, name = key
    template = obj.get("spec", {}).get("template", {})
    if kind == "Deployment":
        h = template_hash(template)
        sets = owned("ReplicaSet", obj)
        current = next((rs for rs in sets if rs["metadata"]["labels"].get("pod-template-hash") == h), None)
        annotations = obj["metadata"].setdefault("annotations", {})
        if current is None:
            revision = 1 + max([int(rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", 0))
                                for rs in sets] or [0])
            labels = {**template.get("metadata", {}).get("labels", {}), "pod-template-hash": h}
            tpl = copy.deepcopy(template)
            tpl.setdefault("metadata", {})["labels"] = labels
            current = put({"kind": "ReplicaSet", "metadata": {
                "name": f"{name}-{h}", "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(obj)],
                "annotations": {"deployment.kubernetes.io/revision": str(revision)}},
                "spec": {"replicas": 0, "selector": {"matchLabels": labels}, "template": tpl}, "status": {}})
        annotations["deployment.kubernetes.io/revision"] = current["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"]
        obj.setdefault("status", {})
        put(obj)
        for rs in owned("ReplicaSet", obj):
            rs["spec"]["replicas"] = obj["spec"].get("replicas", 1) if rs is current else 0
            put(rs)
            scale_replicaset(rs)
        deadline = obj["spec"].get("progressDeadlineSeconds", 600)
        later(deadline, progress_deadline, key, obj["metadata"]["generation"])
    elif kind == "ReplicaSet":
        scale_replicaset(obj)
        return
    elif kind == "StatefulSet":
        revision = f"{name}-{template_hash(template)}"
        obj.setdefault("status", {})["updateRevision"] = revision
        put(obj)
        for pod in pods_of(obj):
            remove(pod_key(pod))
        for i in range(obj["spec"].get("replicas", 1)):
            create_pod(obj, template, f"{name}-{i}", {"controller-revision-hash": revision})
    elif kind == "DaemonSet":
        for pod in pods_of(obj):
            remove(pod_key(pod))
        create_pod(obj, template, f"{name}-{suffix()}")
    elif kind == "Job":
        if not pods_of(obj):
            create_pod(obj, template, f"{name}-{suffix()}", {"job-name": name})
    settle(key)


def progress_deadline(key, generation):
    d = store.get(key)
    if not d or d["metadata"]["generation"] != generation:
        return
    new = newest_replicaset(d, owned("ReplicaSet", d))
    if new and sum(map(is_ready, pods_of(new))) >= d["spec"].get("replicas", 1):
        return
    set_condition(d, "Progressing", "False", "ProgressDeadlineExceeded",
                  f'ReplicaSet "{new["metadata"]["name"] if new else key[2]}" has timed out progressing.')
    put(d)


def finish_job_pod(key):
    pod = store.get(key)
    if not pod:
        return
    pod["status"]["phase"] = "Succeeded"
    set_container(pod, {"terminated": {"exitCode": 0, "reason": "Completed"}}, False)
    put(pod)
    timeline(f"job-complete {key[1]}/{controller_of(pod)[2]}")
    settle(controller_of(pod))


# ---- admission ----

def admit(obj, old):
    """The API server's own checks on a write; returns a Status or None."""
    kind, meta = obj["kind"], obj["metadata"]
    if kind == "Service":
        spec = obj.setdefault("spec", {})
        if spec.get("type") != "ExternalName" and not spec.get("clusterIP"):
            spec["clusterIP"] = (old or {}).get("spec", {}).get("clusterIP") or "10.96.%d.%d" % (
                random.randint(0, 255), random.randint(1, 254))
        owner = f"{meta.get('namespace')}/{meta['name']}"
        for i, port in enumerate(obj.get("spec", {}).get("ports", [])):
            if obj["spec"].get("type") in ("NodePort", "LoadBalancer"):
                if "nodePort" not in port:
                    port["nodePort"] = next(p for p in range(30000, 32768) if p not in node_ports)
                taken = node_ports.get(port["nodePort"])
                if taken and taken != owner:
                    return status(422, "Invalid", f'Service "{meta["name"]}" is invalid: spec.ports[{i}].nodePort: '
                                  f"Invalid value: {port['nodePort']}: provided port is already allocated",
                                  {"name": meta["name"], "kind": "Service"})
        for port in obj.get("spec", {}).get("ports", []):
            if "nodePort" in port:
                node_ports[port["nodePort"]] = owner
    return None


# ---- HTTP ----

def discovery(group, version):
    resources = []
    for g, v, plural, kind, namespaced in RESOURCES:
        if (g, v) == (group, version):
            resources.append({"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
                              "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                                        "watch"]})
            if kind in ("Deployment", "ReplicaSet", "StatefulSet", "Job", "Pod", "Service", "DaemonSet"):
                resources.append({"name": f"{plural}/status", "singularName": "", "namespaced": namespaced,
                                  "kind": kind, "verbs": ["get", "patch", "update"]})
            if kind == "Pod":
                resources.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod",
                                  "verbs": ["get"]})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle's algorithm each reply would stall
    # on the client's delayed ACK (40 ms), which a real API server does not do.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send(self, code, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self, method):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        if method not in ("POST", "PUT", "PATCH"):
            return None
        if self.headers.get("Content-Type", "").startswith("application/vnd.kubernetes.protobuf"):
            return pb_object(raw)
        return json.loads(raw) if raw else None

    def handle_any(self, method):
        url = urlsplit(self.path)
        path, query = url.path, {k: v[-1] for k, v in parse_qs(url.query).items()}
        with lock, open(args.log, "a") as f:
            f.write(f"{method} {path}\n")
        try:
            # Read every body (DELETE carries DeleteOptions) so the kept-alive connection stays in step.
            body = self.read_body(method)
        except ValueError as e:
            return self.send(*status(415, "UnsupportedMediaType", str(e)))
        if self.headers.get("Authorization") != f"Bearer {args.token}":
            return self.send(*status(401, "Unauthorized", "Unauthorized"))
        if path == "/version":
            major, minor = args.git_version.lstrip("v").split(".")[:2]
            return self.send(200, {"major": major, "minor": minor, "gitVersion": args.git_version,
                                   "platform": "linux/amd64"})
        if path == "/api":
            return self.send(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": self.headers.get("Host", "")}]})
        if path == "/apis":
            groups = sorted({(g, v) for g, v, *_ in RESOURCES if g})
            return self.send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                 "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v in groups]})
        if path == "/openapi/v2":
            # An empty schema: kubectl's validation checks only the kinds a schema names.
            # (client-go reads it as protobuf: zero bytes are an empty openapi_v2.Document)
            return self.send(200, b"", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "v1"] and len(parts) == 2:
            return self.send(200, discovery("", "v1"))
        if parts[0] == "apis" and len(parts) == 3:
            return self.send(200, discovery(parts[1], parts[2]))
        if parts[0] == "api":
            group, version, rest = "", parts[1] if len(parts) > 1 else "", parts[2:]
        elif parts[0] == "apis" and len(parts) > 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self.send(*status(404, "NotFound", "the server could not find the requested resource"))
        if query.get("watch") in ("true", "1"):
            return self.watch(group, version, rest, query)
        with lock:
            code, reply = self.route(method, group, version, rest, query, body)
            with open(args.log, "a") as f:
                f.write(f"  -> {code}\n") if code >= 400 else None
            if method != "GET" and code < 300:
                dump()
        if isinstance(reply, str):
            return self.send(code, reply.encode(), "text/plain")
        self.send(code, reply)

    def target(self, group, version, rest):
        """(kind, namespace, name, subresource) of a resource path, or None."""
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces" and (group, version, rest[2]) in BY_PATH:
            ns, rest = rest[1], rest[2:]
        if not rest or (group, version, rest[0]) not in BY_PATH:
            return None
        kind, namespaced = BY_PATH[(group, version, rest[0])]
        if namespaced != bool(ns) and not (namespaced and len(rest) == 1):
            return None
        return kind, ns, rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None

    def route(self, method, group, version, rest, query, body):
        target = self.target(group, version, rest)
        if not target:
            return status(404, "NotFound", "the server could not find the requested resource")
        kind, ns, name, sub = target
        self.namespace = ns
        plural = BY_KIND[kind][2]
        key = (kind, ns, name)
        gr = f"{plural}.{group}" if group else plural
        not_found = status(404, "NotFound", f'{gr} "{name}" not found', {"name": name, "kind": plural})
        if method == "GET" and name:
            obj = store.get(key)
            if not obj:
                return not_found
            if sub == "log":
                lines = pod_logs.get(obj["metadata"]["uid"], "").splitlines(keepends=True)
                tail = int(query.get("tailLines", len(lines) or 1))
                return 200, "".join(lines[-tail:] if tail else [])
            return 200, obj
        if method == "GET":
            reqs = parse_label_selector(query.get("labelSelector"))
            items = [o for (k, n, _), o in sorted(store.items()) if k == kind and (not ns or n == ns)
                     and labels_match(reqs, o["metadata"].get("labels", {}))
                     and fields_match(query.get("fieldSelector"), o)]
            return 200, {"kind": f"{kind}List", "apiVersion": api_version(kind),
                         "metadata": {"resourceVersion": str(rv[0])}, "items": items}
        dry = query.get("dryRun") == "All"
        if method == "POST" and not name:
            obj = body
            obj["kind"] = kind
            meta = obj.setdefault("metadata", {})
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + suffix()
            name = meta.get("name")
            if ns:
                meta["namespace"] = ns
            if ns and ("Namespace", "", ns) not in store:
                return status(404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"})
            if (kind, ns, name) in store:
                return status(409, "AlreadyExists", f'{gr} "{name}" already exists', {"name": name, "kind": plural})
            return self.write(obj, None, dry, 201)
        if method in ("PUT", "PATCH") and name:
            old = store.get(key)
            if method == "PATCH":
                ctype = self.headers.get("Content-Type", "")
                if old is None and "apply-patch" not in ctype:
                    return not_found
                if "apply-patch" in ctype:
                    obj = apply_patch(old, body)
                elif "json-patch" in ctype:
                    obj = json_patch(old, body)
                elif "strategic" in ctype:
                    obj = strategic_patch(old, body)
                else:
                    obj = merge_patch(old, body)
                obj["kind"] = kind
                obj.setdefault("metadata", {})["name"] = name
                if ns:
                    obj["metadata"]["namespace"] = ns
                if old:
                    obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            else:
                obj = body
                obj["kind"] = kind
                if not old:
                    return not_found
                if obj.get("metadata", {}).get("resourceVersion") not in (None, "",
                                                                          old["metadata"]["resourceVersion"]):
                    return status(409, "Conflict", f'Operation cannot be fulfilled on {gr} "{name}": the object has '
                                  "been modified; please apply your changes to the latest version and try again",
                                  {"name": name, "kind": plural})
            if old:
                for field in ("uid", "creationTimestamp"):
                    obj["metadata"][field] = old["metadata"][field]
                if sub != "status" and "status" in old:
                    obj["status"] = old["status"]
            return self.write(obj, old, dry, 201 if old is None else 200)
        if method == "DELETE" and name:
            obj = store.get(key)
            if not obj:
                return not_found
            if not dry:
                remove(key)
            return 200, obj
        return status(405, "MethodNotAllowed", f"{method} is not supported by this stand-in")

    def write(self, obj, old, dry, code):
        if BY_KIND[obj["kind"]][3]:
            obj["metadata"]["namespace"] = self.namespace
        refusal = admit(obj, old)
        if refusal:
            return refusal
        if dry:
            return code, obj
        stored = put(obj)
        key = (stored["kind"], stored["metadata"].get("namespace", ""), stored["metadata"]["name"])
        if stored["kind"] == "Namespace" and old is None:
            later(1.0, lambda n: put({"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": n}}),
                  stored["metadata"]["name"])
        if stored["kind"] in WORKLOADS and (old is None or old.get("spec") != stored.get("spec")):
            reconcile(key)
        return code, store.get(key, stored)

    def watch(self, group, version, rest, query):
        target = self.target(group, version, rest)
        if not target:
            return self.send(*status(404, "NotFound", "the server could not find the requested resource"))
        kind, ns, name, _ = target
        reqs = parse_label_selector(query.get("labelSelector"))
        deadline = time.time() + int(query.get("timeoutSeconds", "1800"))

        def wanted(obj):
            return obj["kind"] == kind and (not ns or obj["metadata"].get("namespace") == ns) \
                and labels_match(reqs, obj["metadata"].get("labels", {})) \
                and fields_match(query.get("fieldSelector"), obj)

        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with lock:
            since = query.get("resourceVersion") or "0"
            if since == "0":
                pending = [("ADDED", o) for o in store.values() if wanted(o)]
                since = rv[0]
            else:
                pending = []
            since = int(since)
        try:
            while True:
                for type_, obj in pending:
                    line = json.dumps({"type": type_, "object": obj}).encode() + b"\n"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                if time.time() >= deadline:
                    break
                with lock:
                    fresh = [(r, t, o) for r, t, o in history if r > since]
                    if not fresh:
                        changed.wait(min(1.0, max(0.0, deadline - time.time())))
                        fresh = [(r, t, o) for r, t, o in history if r > since]
                    if fresh:
                        since = fresh[-1][0]
                    pending = [(t, o) for r, t, o in fresh if wanted(o)]
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")


with lock:
    put({"kind": "Node", "metadata": {"name": "standin-node", "labels": {"kubernetes.io/hostname": "standin-node"}},
         "status": {"allocatable": NODE_ALLOCATABLE, "capacity": NODE_ALLOCATABLE,
                    "conditions": [{"type": "Ready", "status": "True"}]}})
    if args.preload:
        for item in json.load(open(args.preload)):
            put(item)
            admit(item, None)
            if item["kind"] in WORKLOADS:
                reconcile((item["kind"], item["metadata"].get("namespace", ""), item["metadata"]["name"]))
    dump()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
if args.tls_cert:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
