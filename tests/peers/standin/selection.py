"""Label and field selectors. Field selectors accept only each resource's own field labels, as the
API server's field label conversion functions do (pkg/apis/core/v1/conversion.go,
pkg/apis/apps/v1/conversion.go, pkg/apis/batch/v1/conversion.go; for other kinds
k8s.io/apimachinery/pkg/runtime/conversion.go DefaultMetaV1FieldSelectorConversion); the error
becomes a 400 BadRequest (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/get.go ListResource).
"""

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


COMMON = ("metadata.name", "metadata.namespace")
# Kinds with a registered conversion function: unknown labels give "field label not supported: X".
FIELD_LABELS = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type"),
    "Secret": ("type",),
    "Node": ("spec.unschedulable",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
    "Namespace": ("status.phase",),
}


def split_fields(text):
    reqs = []
    for part in filter(None, (text or "").split(",")):
        negate = "!=" in part
        if "=" not in part:
            raise ValueError(f"invalid selector: '{text}'; can't understand '{part}'")
        path, want = part.replace("!=", "=").replace("==", "=").split("=", 1)
        reqs.append((path.strip(), want.strip(), negate))
    return reqs


def check_fields(kind, text):
    """The BadRequest message for a field selector the kind does not serve, or None."""
    try:
        reqs = split_fields(text)
    except ValueError as e:
        return str(e)
    for path, _, _ in reqs:
        if path in COMMON:
            continue
        if kind in FIELD_LABELS:
            if path not in FIELD_LABELS[kind]:
                return f"field label not supported: {path}"
        else:
            return f'"{path}" is not a known field selector: only "metadata.name", "metadata.namespace"'
    return None


def field_value(obj, path):
    if path == "spec.host":
        path = "spec.nodeName"
    if path == "source" and obj.get("kind") == "Event":
        return obj.get("source", {}).get("component", "")
    if path == "status.successful":
        return str(obj.get("status", {}).get("succeeded", 0))
    value = obj
    for step in path.split("."):
        value = value.get(step, "") if isinstance(value, dict) else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def fields_match(text, obj):
    for path, want, negate in split_fields(text):
        if (field_value(obj, path) == want) == negate:
            return False
    return True
