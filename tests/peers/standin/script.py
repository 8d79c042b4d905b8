"""Scripted happenings (--script FILE, a JSON list of steps) and the same actions at run time
(POST /_standin/<do>, body = the step's JSON):

  {"after_ms": N, "since": "start" | "created <Kind> <namespace>/<name-or-prefix*>" | "watch <Kind>",
   "do": "put", "object": {...}}            a Secret that appears later, a quota that frees up, a PVC that binds
  {"do": "delete", "kind": K, "namespace": NS, "name": N}
  {"do": "close-watches"}                  ends every open watch stream
  {"do": "compact"}                        drops the watch history: every resume gets 410
"""
import copy, json

from . import admission, store

_waiting = []  # steps whose "since" (a creation, a watch's start) has not happened yet


def put_object(obj):
    obj = copy.deepcopy(obj)
    kind = obj["kind"]
    if kind not in store.BY_KIND:
        raise ValueError(f"kind {kind} is not served by the stand-in")
    meta = obj.setdefault("metadata", {})
    if not store.BY_KIND[kind][3]:
        meta.pop("namespace", None)
    old = store.objects.get(store.key_of(obj))
    if old:
        for field in ("uid", "creationTimestamp"):
            meta[field] = old["metadata"][field]
        if "status" not in obj and "status" in old:
            obj["status"] = old["status"]
    refusal = admission.admit(obj, old)
    if refusal:
        raise ValueError(refusal[1]["message"])
    return store.put(obj)


def act(step):
    do = step["do"]
    if do == "put":
        stored = put_object(step["object"])
        return {"resourceVersion": stored["metadata"]["resourceVersion"]}
    if do == "delete":
        store.remove((step["kind"], step.get("namespace", ""), step["name"]))
        return {}
    if do == "close-watches":
        store.close_watches()
        return {}
    if do == "compact":
        store.compact()
        return {"resourceVersion": str(store.rv[0])}
    raise ValueError(f"unknown action {do!r}")


def matches(since, obj):
    _, kind, where = since.split(" ", 2)
    ns, _, name = where.rpartition("/")
    if obj["kind"] != kind or obj["metadata"].get("namespace", "") != ns:
        return False
    return obj["metadata"]["name"].startswith(name[:-1]) if name.endswith("*") else obj["metadata"]["name"] == name


def run_step(step):
    """Runs a step now, or arms it (after_ms, since); returns what it did."""
    since = step.get("since", "start")
    if since != "start":
        if not since.startswith(("created ", "watch ")):
            raise ValueError(f"since: {since!r}")
        _waiting.append(step)
        return {"armed": True}
    delay = step.get("after_ms", 0) / 1000
    if delay <= 0:
        return act(step)
    store.later(delay, act, step)
    return {"armed": True}


def on_watch(kind):
    """A watch of `kind` has started: steps waiting for it are timed from now (a watch that
    expires mid-wait, however long the client took to begin waiting)."""
    for step in [s for s in _waiting if s["since"] == f"watch {kind}"]:
        _waiting.remove(step)
        store.later(step.get("after_ms", 0) / 1000, act, step)


def on_change(type_, old, new):
    if type_ != "ADDED" or not _waiting:
        return
    for step in list(_waiting):
        if step["since"].startswith("created ") and matches(step["since"], new):
            _waiting.remove(step)
            store.later(step.get("after_ms", 0) / 1000, act, step)


def load(path):
    store.listeners.append(on_change)
    if path:
        with open(path) as f:
            for step in json.load(f):
                run_step(step)
