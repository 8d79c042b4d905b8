"""Events as the components write them. Every event carries involvedObject.uid.

- The old recorder (k8s.io/client-go/tools/record, core/v1 Events): firstTimestamp/lastTimestamp and
  `count`, a repeat of the same (object, reason, message) bumps count (events_cache.go
  EventCorrelator). The kubelet and the controllers write this way in every emulated version.
- The new recorder (k8s.io/client-go/tools/events, events.k8s.io): used by kube-scheduler from 1.19
  (pkg/scheduler/scheduler.go, profile "events_api"). Seen through core/v1: empty firstTimestamp /
  lastTimestamp, `eventTime`, `reportingComponent`/`reportingInstance`, `action`, and `series`
  (count, lastObservedTime) on repeats instead of `count`.
"""
import random

from . import store

_index = {}  # (uid, reason, message, component) -> event key


def event(obj, reason, message, type_="Warning", component="kubelet", action=None):
    meta = obj["metadata"]
    ident = (meta["uid"], reason, message, component)
    new_api = component == "default-scheduler" and store.profile["events_api"]
    key = _index.get(ident)
    old = store.objects.get(key) if key else None
    if old:
        if new_api:
            series = old.setdefault("series", {"count": 1})
            series["count"] = series.get("count", 1) + 1
            series["lastObservedTime"] = store.micro_now()
        else:
            old["count"] = old.get("count", 1) + 1
            old["lastTimestamp"] = store.now()
        return store.put(old)
    name = f"{meta['name']}.{random.getrandbits(64):016x}"
    ev = {"kind": "Event", "metadata": {"name": name, "namespace": meta.get("namespace") or "default"},
          "involvedObject": {"kind": obj["kind"], "name": meta["name"], "namespace": meta.get("namespace", ""),
                             "uid": meta["uid"], "apiVersion": obj["apiVersion"],
                             "resourceVersion": meta.get("resourceVersion", "")},
          "reason": reason, "message": message, "type": type_}
    if new_api:
        ev.update({"source": {}, "firstTimestamp": None, "lastTimestamp": None, "eventTime": store.micro_now(),
                   "reportingComponent": component, "reportingInstance": f"{component}-standin-control-plane",
                   "action": action or "Scheduling"})
    else:
        host = obj.get("spec", {}).get("nodeName") if component == "kubelet" else None
        ev.update({"source": {"component": component, **({"host": host} if host else {})},
                   "firstTimestamp": store.now(), "lastTimestamp": store.now(), "count": 1,
                   "eventTime": None,
                   "reportingComponent": component if store.profile["events_api"] else "",
                   "reportingInstance": (host or "") if store.profile["events_api"] else ""})
    stored = store.put(ev)
    _index[ident] = store.key_of(stored)
    return stored
