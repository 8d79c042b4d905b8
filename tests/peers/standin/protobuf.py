"""The protobuf bodies client-go sends for typed creates and updates (Secrets, ConfigMaps,
Namespaces): k8s.io/apimachinery/pkg/runtime/serializer/protobuf (the "k8s\\0" magic + runtime.Unknown).
"""
import base64


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
