"""The API server's own checks on writes (admission plugins and registry strategies):
- ResourceQuota (plugin/pkg/admission/resourcequota, staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota
  controller.go): 403 `pods "x" is forbidden: exceeded quota: <name>, requested: ..., used: ..., limited: ...`;
- Service ClusterIP allocation and NodePorts (pkg/registry/core/service/portallocator): 422 "provided port
  is already allocated".
"""
import random

from . import store
from .scheduler import pod_requests


def quota_refusal(ns, pod_name, spec):
    wanted = pod_requests(spec)
    for quota in [o for o in store.objects.values() if o["kind"] == "ResourceQuota" and o["metadata"]["namespace"] == ns]:
        for key, hard in quota.get("spec", {}).get("hard", {}).items():
            res = key.split(".", 1)[1] if key.startswith("requests.") else key
            if res not in wanted:
                continue
            used = sum(pod_requests(o["spec"]).get(res, 0) for o in store.objects.values()
                       if o["kind"] == "Pod" and o["metadata"]["namespace"] == ns
                       and o.get("status", {}).get("phase") not in ("Succeeded", "Failed"))
            if used + wanted[res] > store.quantity(hard):
                fmt = lambda q: f"{q:g}" if res != "cpu" or q >= 1 else f"{int(q * 1000)}m"
                return (f'pods "{pod_name}" is forbidden: exceeded quota: {quota["metadata"]["name"]}, requested: '
                        f"{key}={fmt(wanted[res])}, used: {key}={fmt(used)}, limited: {key}={hard}")
    return None


def qos_class(spec):
    """pkg/apis/core/helper/qos GetPodQOS: BestEffort without any request or limit, Guaranteed when
    every container limits cpu and memory with requests equal to the limits, else Burstable."""
    containers = spec.get("containers", []) + spec.get("initContainers", [])
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits = r.get("limits") or {}
        requests = r.get("requests") or limits
        for res in ("cpu", "memory"):
            if res not in limits or store.quantity(requests.get(res, "0")) != store.quantity(limits[res]):
                return "Burstable"
    return "Guaranteed"


def initial_pod_status(spec):
    """What pkg/registry/core/pod/strategy.go PrepareForCreate gives every new pod, whatever status the
    client sent."""
    return {"phase": "Pending", "qosClass": qos_class(spec)}


def admit(obj, old):
    """The API server's own checks on a write; returns a Status or None."""
    kind, meta = obj["kind"], obj["metadata"]
    if old is None and kind == "PersistentVolumeClaim":
        obj.setdefault("status", {}).setdefault("phase", "Pending")
    if old is None and kind == "Namespace":
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {}).setdefault("phase", "Active")
        meta.setdefault("labels", {}).setdefault("kubernetes.io/metadata.name", meta["name"])
    if kind == "Pod" and old is None:
        refusal = quota_refusal(meta.get("namespace", ""), meta["name"], obj.get("spec", {}))
        if refusal:
            return store.status(403, "Forbidden", refusal, {"name": meta["name"], "kind": "pods"})
        obj["status"] = initial_pod_status(obj.get("spec", {}))
    if kind == "Service":
        spec = obj.setdefault("spec", {})
        if spec.get("type") != "ExternalName" and not spec.get("clusterIP"):
            spec["clusterIP"] = (old or {}).get("spec", {}).get("clusterIP") or "10.96.%d.%d" % (
                random.randint(0, 255), random.randint(1, 254))
        owner = f"{meta.get('namespace')}/{meta['name']}"
        for i, port in enumerate(obj.get("spec", {}).get("ports", [])):
            if obj["spec"].get("type") in ("NodePort", "LoadBalancer"):
                if "nodePort" not in port:
                    port["nodePort"] = next(p for p in range(30000, 32768) if p not in store.node_ports)
                taken = store.node_ports.get(port["nodePort"])
                if taken and taken != owner:
                    return store.status(422, "Invalid", f'Service "{meta["name"]}" is invalid: spec.ports[{i}].nodePort: '
                                  f"Invalid value: {port['nodePort']}: provided port is already allocated",
                                  {"name": meta["name"], "kind": "Service"})
        for port in obj.get("spec", {}).get("ports", []):
            if "nodePort" in port:
                store.node_ports[port["nodePort"]] = owner
    return None
