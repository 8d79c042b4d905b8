"""Patches (JSON merge, JSON patch, strategic merge - approximated - and server-side apply) and the
managedFields bookkeeping of server-side apply (k8s.io/apimachinery/pkg/util/managedfields,
sigs.k8s.io/structured-merge-diff): which field manager owns which field, and the 409 an apply gets
for a field another manager owns with another value.
"""
import copy, json

from . import store

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



# ---- server-side apply and managedFields ----

def _keyed(value):
    return isinstance(value, list) and value and all(isinstance(x, dict) and "name" in x for x in value)


def leaves(obj, prefix=()):
    """{path: value} of every field a manager can own: maps are walked, lists of named items are
    walked by name (as containers are: merge key `name`), other lists are atomic."""
    out = {}
    if prefix == ():
        for k, v in obj.items():
            if k in ("apiVersion", "kind", "status"):
                continue
            if k == "metadata":
                for mk in ("labels", "annotations"):
                    for lk, lv in (v.get(mk) or {}).items():
                        out[("metadata", mk, lk)] = lv
                continue
            out.update(leaves(v, (k,)) if isinstance(v, (dict, list)) else {(k,): v})
        return out
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            out.update(leaves(v, prefix + (k,)))
    elif _keyed(obj):
        for item in obj:
            element = prefix + ('[name="%s"]' % item["name"],)
            for k, v in item.items():
                if k != "name":
                    out.update(leaves(v, element + (k,)))
            out.setdefault(element + ("name",), item["name"])
    else:
        out[prefix] = obj
    return out


def path_text(path):
    return "".join(p if p.startswith("[") else "." + p for p in path)


def to_fields(paths):
    tree = {}
    for path in sorted(paths):
        node = tree
        for p in path:
            key = 'k:{"name":"%s"}' % p[7:-2] if p.startswith('[name="') else "f:" + p
            node = node.setdefault(key, {})
    return tree


def from_fields(tree, prefix=()):
    paths = set()
    for key, sub in tree.items():
        if key == ".":
            continue
        p = prefix + (('[name="%s"]' % json.loads(key[2:])["name"]) if key.startswith("k:") else key[2:],)
        if sub and any(k != "." for k in sub):
            paths |= from_fields(sub, p)
        else:
            paths.add(p)
    return paths


def _entries(obj):
    out = []
    for e in (obj or {}).get("metadata", {}).get("managedFields") or []:
        out.append({"manager": e.get("manager", ""), "operation": e.get("operation", "Update"),
                    "apiVersion": e.get("apiVersion", ""), "time": e.get("time"),
                    "subresource": e.get("subresource"), "paths": from_fields(e.get("fieldsV1") or {})})
    return out


def _store_entries(obj, entries):
    managed = []
    for e in entries:
        if not e["paths"]:
            continue
        entry = {"manager": e["manager"], "operation": e["operation"], "apiVersion": e["apiVersion"],
                 "time": e["time"] or store.now(), "fieldsType": "FieldsV1", "fieldsV1": to_fields(e["paths"])}
        if e.get("subresource"):
            entry["subresource"] = e["subresource"]
        managed.append(entry)
    obj["metadata"]["managedFields"] = managed
    if not managed:
        obj["metadata"].pop("managedFields")


def _entry(entries, manager, operation, api_version):
    for e in entries:
        if e["manager"] == manager and e["operation"] == operation:
            return e
    e = {"manager": manager, "operation": operation, "apiVersion": api_version, "time": None, "paths": set()}
    entries.append(e)
    return e


def track_update(old, new, manager):
    """A non-apply write (create, update, merge/JSON/strategic patch) by `manager`: it takes ownership
    of every field it changed (managedfields' Update operation)."""
    sent = new.get("metadata", {}).get("managedFields")
    # managedFields the request itself changed (helm 4's csaupgrade JSON patch) are taken as given.
    entries = _entries(new if sent and sent != (old or {}).get("metadata", {}).get("managedFields") else old)
    before, after = leaves(old) if old else {}, leaves(new)
    changed_paths = {p for p, v in after.items() if before.get(p, object()) != v}
    for e in entries:
        e["paths"] = {p for p in e["paths"] if p in after} - changed_paths
    if changed_paths:
        mine = _entry(entries, manager, "Update", new["apiVersion"])
        mine["paths"] |= changed_paths
        mine["time"] = store.now()
    _store_entries(new, entries)


def ssa_merge(live, applied):
    if isinstance(live, dict) and isinstance(applied, dict):
        out = copy.deepcopy(live)
        for k, v in applied.items():
            out[k] = ssa_merge(live.get(k), v)
        return out
    if _keyed(live) and _keyed(applied):
        out = [copy.deepcopy(x) for x in live]
        for item in applied:
            idx = next((i for i, x in enumerate(out) if x["name"] == item["name"]), None)
            if idx is None:
                out.append(copy.deepcopy(item))
            else:
                out[idx] = ssa_merge(out[idx], item)
        return out
    return copy.deepcopy(applied)


def _delete_path(obj, path):
    parents, node = [], obj
    for p in path[:-1]:
        if p.startswith('[name="') and isinstance(node, list):
            nxt = next((x for x in node if x.get("name") == p[7:-2]), None)
        elif isinstance(node, dict):
            nxt = node.get(p)
        else:
            nxt = None
        if nxt is None:
            return
        parents.append((node, p))
        node = nxt
    last = path[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and last.startswith('[name="'):
        node[:] = [x for x in node if x.get("name") != last[7:-2]]


def server_side_apply(live, applied, manager, force):
    """Returns (object, None) or (None, (code, Status)): the 409 names every conflicting field as
    k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go NewConflictError does."""
    entries = _entries(live)
    applied_leaves = leaves(applied)
    live_leaves = leaves(live) if live else {}
    conflicts = []
    for e in entries:
        if e["manager"] == manager and e["operation"] == "Apply":
            continue
        for p in sorted(e["paths"] & set(applied_leaves)):
            if live_leaves.get(p, object()) != applied_leaves[p]:
                conflicts.append((e, p))
    if conflicts and not force:
        def who(e):
            return f'"{e["manager"]}" using {e["apiVersion"]}' if e["operation"] == "Update" else f'"{e["manager"]}"'
        causes = [{"type": "FieldManagerConflict", "message": f"conflict with {who(e)}", "field": path_text(p)}
                  for e, p in conflicts]
        if len(conflicts) == 1:
            message = f"Apply failed with 1 conflict: conflict with {who(conflicts[0][0])}: {path_text(conflicts[0][1])}"
        else:
            lines = []
            for name in sorted({who(e) for e, _ in conflicts}):
                lines.append(f"conflicts with {name}:")
                lines += [f"- {path_text(p)}" for e, p in conflicts if who(e) == name]
            message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
        kind = applied.get("kind", "")
        return None, store.status(409, "Conflict", message, {"name": applied.get("metadata", {}).get("name", ""),
                                                             "kind": store.BY_KIND[kind][2] if kind in store.BY_KIND
                                                             else "", "causes": causes})
    for e, p in conflicts:
        e["paths"].discard(p)
    mine = _entry(entries, manager, "Apply", applied.get("apiVersion") or store.api_version(applied["kind"]))
    result = ssa_merge(live or {}, applied) if live else copy.deepcopy(applied)
    others = set().union(*[e["paths"] for e in entries if e is not mine]) if len(entries) > 1 else set()
    for p in mine["paths"] - set(applied_leaves) - others:
        _delete_path(result, p)
    mine["paths"] = set(applied_leaves)
    mine["time"] = store.now()
    result.setdefault("metadata", {})
    if live:
        result["metadata"]["managedFields"] = live["metadata"].get("managedFields")
    _store_entries(result, entries)
    return result, None


def apply_patch(target, applied):
    """Server-side apply without field managers (a profile where managedFields are not kept): the
    applier's fields are merged in."""
    if target is None:
        return copy.deepcopy(applied)
    result = ssa_merge(target, {k: v for k, v in applied.items() if k != "status"})
    return result
