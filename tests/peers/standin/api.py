"""The HTTP side: authentication, routing, discovery, content negotiation, reads, writes, watches,
and the stand-in's own control endpoint (/_standin/<do>, no authentication).

Behaviours and their sources (kubernetes/kubernetes, staging/src/k8s.io/apiserver/pkg/endpoints):
- content negotiation (handlers/negotiation/negotiate.go NegotiateOutputMediaType: the Accept
  clauses in order, the first one the endpoint can serve wins; none -> 406 "only the following media
  types are accepted: ..."); PartialObjectMetadata[List] (handlers/response.go transformObject; 1.14:
  handlers/rest.go AllowsConversion, meta.k8s.io/v1beta1 only). Negotiation runs before the read, so a
  1.14 server answers 406 for an object that does not exist too.
- field selectors (handlers/get.go: ConvertFieldLabel errors -> 400 BadRequest);
- patch types (handlers/patch.go; 1.14 without the ServerSideApply gate: 415 "the body of the request
  was in an unknown format - accepted media types include: ...");
- watches from the watch cache (storage/cacher/cacher.go: an ERROR event carrying the 410 Status for
  a resourceVersion older than the kind's window; bookmarks with allowWatchBookmarks from 1.16).
"""
import http.server, json, os, socketserver, sys, time
from urllib.parse import parse_qs, urlsplit

from . import admission, patch, profiles, protobuf, script, selection, store

ACCEPTED = "application/json, application/yaml, application/vnd.kubernetes.protobuf"
PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]


def discovery(group, version):
    resources = []
    for g, v, plural, kind, namespaced in store.RESOURCES:
        if (g, v) == (group, version):
            resources.append({"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
                              "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                                        "watch"]})
            if kind in ("Deployment", "ReplicaSet", "StatefulSet", "Job", "Pod", "Service", "DaemonSet",
                        "PersistentVolumeClaim", "Node", "Namespace", "ResourceQuota"):
                resources.append({"name": f"{plural}/status", "singularName": "", "namespaced": namespaced,
                                  "kind": kind, "verbs": ["get", "patch", "update"]})
            if kind == "Pod":
                resources.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod",
                                  "verbs": ["get"]})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources}


def parse_accept(header):
    clauses = []
    for i, part in enumerate(filter(None, (p.strip() for p in (header or "").split(",")))):
        fields = [f.strip() for f in part.split(";")]
        params = {}
        for f in fields[1:]:
            if "=" in f:
                k, v = f.split("=", 1)
                params[k.strip()] = v.strip()
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            q = 1.0
        if q > 0:
            clauses.append((-q, i, fields[0].lower(), params))
    return [(mt, params) for _, _, mt, params in sorted(clauses)]


def negotiate(header, is_list):
    """('full', None) or ('meta', version) for what the client accepts, or None (406)."""
    if not (header or "").strip():
        return "full", None
    clauses = parse_accept(header)
    for mt, params in clauses:
        if mt not in ("application/json", "application/*", "*/*", "application/yaml",
                      "application/vnd.kubernetes.protobuf"):
            continue
        as_ = params.get("as")
        if not as_:
            return "full", None
        if params.get("g") != "meta.k8s.io" or params.get("v") not in store.profile["metadata_versions"]:
            continue
        if store.profile["metadata_versions"] == ("v1beta1",):
            # 1.14: "TODO: should delineate between lists and non-list endpoints".
            if as_ in ("PartialObjectMetadata", "PartialObjectMetadataList"):
                return "meta", params["v"]
        elif as_ == ("PartialObjectMetadataList" if is_list else "PartialObjectMetadata"):
            return "meta", params["v"]
    return None


def as_metadata(obj, version):
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}", "metadata": obj["metadata"]}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle's algorithm each reply would stall
    # on the client's delayed ACK (40 ms), which a real API server does not do.
    disable_nagle_algorithm = True
    control_only = False

    def log_message(self, *a):
        pass

    def send(self, code, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_raw(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def parse_body(self, method, raw):
        if method not in ("POST", "PUT", "PATCH"):
            return None
        if self.headers.get("Content-Type", "").startswith("application/vnd.kubernetes.protobuf"):
            return protobuf.pb_object(raw)
        return json.loads(raw) if raw else None

    def handle_any(self, method):
        url = urlsplit(self.path)
        path, query = url.path, {k: v[-1] for k, v in parse_qs(url.query).items()}
        with store.lock:
            store.log(f"{method} {path}")
        if os.environ.get("STANDIN_DEBUG"):
            sys.stderr.write(f"{method} {self.path} accept={self.headers.get('Accept')!r} "
                             f"type={self.headers.get('Content-Type')!r}\n")
        # Read every body (DELETE carries DeleteOptions) so the kept-alive connection stays in step.
        raw = self.read_raw()
        if path.startswith("/_standin/"):
            return self.control(method, path[len("/_standin/"):], raw)
        if self.control_only:
            return self.send(*store.status(404, "NotFound", "only /_standin/<do> is served here"))
        try:
            body = self.parse_body(method, raw)
        except ValueError as e:
            return self.send(*store.status(415, "UnsupportedMediaType", str(e)))
        if self.headers.get("Authorization") != f"Bearer {store.args.token}":
            return self.send(*store.status(401, "Unauthorized", "Unauthorized"))
        if path == "/version":
            return self.send(200, profiles.version_info(store.profile, store.args.git_version))
        if path == "/api":
            return self.send(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": self.headers.get("Host", "")}]})
        if path == "/apis":
            groups = sorted({(g, v) for g, v, *_ in store.RESOURCES if g})
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
            if not any((g, v) == (parts[1], parts[2]) for g, v, *_ in store.RESOURCES):
                return self.send(*store.status(404, "NotFound", "the server could not find the requested resource"))
            return self.send(200, discovery(parts[1], parts[2]))
        if parts[0] == "api":
            group, version, rest = "", parts[1] if len(parts) > 1 else "", parts[2:]
        elif parts[0] == "apis" and len(parts) > 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self.send(*store.status(404, "NotFound", "the server could not find the requested resource"))
        if query.get("watch") in ("true", "1"):
            return self.watch(group, version, rest, query)
        with store.lock:
            code, reply = self.route(method, group, version, rest, query, body)
            if code >= 400:
                store.log(f"  -> {code}")
            if method != "GET" and code < 300:
                store.dump()
            # Serialised under the lock: controllers change stored objects in place.
            data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
        self.send(code, data, "text/plain" if isinstance(reply, str) else "application/json")

    def control(self, method, action, raw):
        if method != "POST":
            return self.send(*store.status(405, "MethodNotAllowed", "POST /_standin/<do>"))
        try:
            step = json.loads(raw) if raw.strip() else {}
            step["do"] = action
            with store.lock:
                result = script.run_step(step)
                store.dump()
        except (ValueError, KeyError, TypeError) as e:
            return self.send(*store.status(400, "BadRequest", f"bad control request: {e}"))
        self.send(200, {"ok": True, **(result or {})})

    def target(self, group, version, rest):
        """(kind, namespace, name, subresource) of a resource path, or None."""
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces" and (group, version, rest[2]) in store.BY_PATH:
            ns, rest = rest[1], rest[2:]
        if not rest or (group, version, rest[0]) not in store.BY_PATH:
            return None
        kind, namespaced = store.BY_PATH[(group, version, rest[0])]
        if namespaced != bool(ns) and not (namespaced and len(rest) == 1):
            return None
        return kind, ns, rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None

    def manager(self, query):
        return query.get("fieldManager") or self.headers.get("User-Agent", "unknown").split("/", 1)[0]

    def route(self, method, group, version, rest, query, body):
        target = self.target(group, version, rest)
        if not target:
            return store.status(404, "NotFound", "the server could not find the requested resource")
        kind, ns, name, sub = target
        self.namespace = ns
        plural = store.BY_KIND[kind][2]
        key = (kind, ns, name)
        gr = f"{plural}.{group}" if group else plural
        not_found = store.status(404, "NotFound", f'{gr} "{name}" not found', {"name": name, "kind": plural})
        if method == "GET":
            shape = negotiate(self.headers.get("Accept"), is_list=not name) if sub != "log" else ("full", None)
            if shape is None:
                return store.status(406, "NotAcceptable", f"only the following media types are accepted: {ACCEPTED}")
        if method == "GET" and name:
            obj = store.objects.get(key)
            if not obj:
                return not_found
            if sub == "log":
                lines = store.pod_logs.get(obj["metadata"]["uid"], "").splitlines(keepends=True)
                tail = int(query.get("tailLines", len(lines) or 1))
                return 200, "".join(lines[-tail:] if tail else [])
            return 200, as_metadata(obj, shape[1]) if shape[0] == "meta" else obj
        if method == "GET":
            bad = selection.check_fields(kind, query.get("fieldSelector"))
            if bad:
                return store.status(400, "BadRequest", bad)
            reqs = selection.parse_label_selector(query.get("labelSelector"))
            items = [o for (k, n, _), o in sorted(store.objects.items()) if k == kind and (not ns or n == ns)
                     and selection.labels_match(reqs, o["metadata"].get("labels", {}))
                     and selection.fields_match(query.get("fieldSelector"), o)]
            if shape[0] == "meta":
                return 200, {"kind": "PartialObjectMetadataList", "apiVersion": f"meta.k8s.io/{shape[1]}",
                             "metadata": {"resourceVersion": str(store.rv[0])},
                             "items": [as_metadata(o, shape[1]) for o in items]}
            return 200, {"kind": f"{kind}List", "apiVersion": store.api_version(kind),
                         "metadata": {"resourceVersion": str(store.rv[0])}, "items": items}
        dry = query.get("dryRun") == "All"
        ssa = store.profile["server_side_apply"]
        if method == "POST" and not name:
            obj = body
            obj["kind"] = kind
            meta = obj.setdefault("metadata", {})
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + store.suffix()
            name = meta.get("name")
            if ns:
                meta["namespace"] = ns
            if ns and ("Namespace", "", ns) not in store.objects:
                return store.status(404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"})
            if (kind, ns, name) in store.objects:
                return store.status(409, "AlreadyExists", f'{gr} "{name}" already exists',
                                    {"name": name, "kind": plural})
            obj["apiVersion"] = store.api_version(kind)
            meta.pop("managedFields", None)
            if ssa:
                patch.track_update(None, obj, self.manager(query))
            return self.write(obj, None, dry, 201)
        if method in ("PUT", "PATCH") and name:
            old = store.objects.get(key)
            if method == "PATCH":
                ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
                apply = ctype == "application/apply-patch+yaml"
                if ctype not in PATCH_TYPES and not (apply and ssa):
                    accepted = PATCH_TYPES + (["application/apply-patch+yaml"] if ssa else [])
                    return store.status(415, "UnsupportedMediaType",
                                        "the body of the request was in an unknown format - accepted media types "
                                        f"include: {', '.join(accepted)}")
                if query.get("force") in ("true", "1") and not apply:
                    return store.status(422, "Invalid", "force: Forbidden: may not be specified for non-apply patch")
                if old is None and not apply:
                    return not_found
                if apply:
                    if not query.get("fieldManager"):
                        return store.status(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                                            "Required value: is required for apply patch")
                    if old is None and ns and ("Namespace", "", ns) not in store.objects:
                        return store.status(404, "NotFound", f'namespaces "{ns}" not found',
                                            {"name": ns, "kind": "namespaces"})
                    body = dict(body or {})
                    body["kind"], body["apiVersion"] = kind, store.api_version(kind)
                    if sub != "status":
                        body.pop("status", None)
                    obj, conflict = patch.server_side_apply(old, body, query["fieldManager"],
                                                            query.get("force") in ("true", "1"))
                    if conflict:
                        return conflict
                elif ctype == "application/json-patch+json":
                    obj = patch.json_patch(old, body)
                elif ctype == "application/strategic-merge-patch+json":
                    obj = patch.strategic_patch(old, body)
                else:
                    obj = patch.merge_patch(old, body)
                obj["kind"] = kind
                obj.setdefault("metadata", {})["name"] = name
                if ns:
                    obj["metadata"]["namespace"] = ns
                if old:
                    obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
                obj["apiVersion"] = store.api_version(kind)
                if ssa and not apply and sub != "status":
                    patch.track_update(old, obj, self.manager(query))
            else:
                obj = body
                obj["kind"] = kind
                obj["apiVersion"] = store.api_version(kind)
                if not old:
                    return not_found
                if obj.get("metadata", {}).get("resourceVersion") not in (None, "",
                                                                          old["metadata"]["resourceVersion"]):
                    return store.status(409, "Conflict", f'Operation cannot be fulfilled on {gr} "{name}": the object '
                                        "has been modified; please apply your changes to the latest version and try "
                                        "again", {"name": name, "kind": plural})
                if ssa and sub != "status":
                    patch.track_update(old, obj, self.manager(query))
            if old:
                for field in ("uid", "creationTimestamp"):
                    obj["metadata"][field] = old["metadata"][field]
                if sub != "status" and "status" in old:
                    obj["status"] = old["status"]
                if sub == "status":
                    obj["spec"] = old.get("spec")
                    obj["metadata"] = {**old["metadata"], "resourceVersion": old["metadata"]["resourceVersion"]}
            if not ssa:
                obj["metadata"].pop("managedFields", None)
            return self.write(obj, old, dry, 201 if old is None else 200)
        if method == "DELETE" and name:
            obj = store.objects.get(key)
            if not obj:
                return not_found
            if not dry:
                store.remove(key)
            return 200, obj
        return store.status(405, "MethodNotAllowed", f"{method} is not supported by this stand-in")

    def write(self, obj, old, dry, code):
        if store.BY_KIND[obj["kind"]][3]:
            obj["metadata"]["namespace"] = self.namespace
        refusal = admission.admit(obj, old)
        if refusal:
            return refusal
        if dry:
            return code, obj
        stored = store.put(obj)
        return code, store.objects.get(store.key_of(stored), stored)

    def watch(self, group, version, rest, query):
        target = self.target(group, version, rest)
        if not target:
            return self.send(*store.status(404, "NotFound", "the server could not find the requested resource"))
        kind, ns, name, _ = target
        shape = negotiate(self.headers.get("Accept"), is_list=True)
        if shape is None:
            return self.send(*store.status(406, "NotAcceptable", f"only the following media types are accepted: {ACCEPTED}"))
        bad = selection.check_fields(kind, query.get("fieldSelector"))
        if bad:
            return self.send(*store.status(400, "BadRequest", bad))
        reqs = selection.parse_label_selector(query.get("labelSelector"))
        deadline = time.time() + int(query.get("timeoutSeconds", "1800"))
        bookmarks = store.profile["bookmarks"] and query.get("allowWatchBookmarks") in ("true", "1")
        streaming = store.profile["watch_list"] and query.get("sendInitialEvents") in ("true", "1")
        if streaming and not bookmarks:
            return self.send(*store.status(422, "Invalid", 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: '
                                           "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true"))
        if query.get("resourceVersionMatch") and store.profile["rv_match_on_watch_refused"]:
            return self.send(*store.status(422, "Invalid", 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: '
                                           "Forbidden: resourceVersionMatch is forbidden for watch"))

        def wanted(obj):
            return obj["kind"] == kind and (not ns or obj["metadata"].get("namespace") == ns) \
                and (not name or obj["metadata"]["name"] == name) \
                and selection.labels_match(reqs, obj["metadata"].get("labels", {})) \
                and selection.fields_match(query.get("fieldSelector"), obj)

        def shown(obj):
            return as_metadata(obj, shape[1]) if shape[0] == "meta" else obj

        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with store.lock:
            script.on_watch(kind)
            since = query.get("resourceVersion") or "0"
            gone = None
            if since == "0" or streaming:
                pending = [("ADDED", shown(o)) for o in store.objects.values() if wanted(o)]
                since = store.rv[0]
                pending = [(t, json.loads(json.dumps(o))) for t, o in pending]  # a snapshot, taken under the lock
                if streaming:
                    pending.append(("BOOKMARK", {
                        "kind": "PartialObjectMetadata" if shape[0] == "meta" else kind,
                        "apiVersion": f"meta.k8s.io/{shape[1]}" if shape[0] == "meta" else store.api_version(kind),
                        "metadata": {"resourceVersion": str(since),
                                     "annotations": {"k8s.io/initial-events-end": "true"}}}))
            else:
                since = int(since)
                gone = store.too_old(kind, since)
                pending = [("ERROR", gone)] if gone else []
            epoch = store.watch_epoch[0]
        last_bookmark = time.time()
        try:
            while True:
                for type_, obj in pending:
                    line = json.dumps({"type": type_, "object": obj}).encode() + b"\n"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                if gone or time.time() >= deadline:
                    break
                with store.lock:
                    fresh = [(r, t, o) for r, t, o in store.history[kind] if r > since]
                    if not fresh and store.watch_epoch[0] == epoch:
                        store.changed.wait(min(1.0, max(0.0, deadline - time.time())))
                        fresh = [(r, t, o) for r, t, o in store.history[kind] if r > since]
                    if store.watch_epoch[0] != epoch:
                        break
                    if store.dropped[kind] > since:
                        # Events this watcher had not been sent fell out of the window.
                        gone = store.status(410, store.profile["expired_reason"],
                                            f"too old resource version: {since} ({store.floor[kind]})")[1]
                        pending = [("ERROR", gone)]
                        continue
                    if fresh:
                        since = fresh[-1][0]
                    pending = [(t, shown(o)) for r, t, o in fresh if wanted(o)]
                    if bookmarks and not pending and time.time() - last_bookmark >= 0.9:
                        last_bookmark = time.time()
                        mark = {"kind": "PartialObjectMetadata" if shape[0] == "meta" else kind,
                                "apiVersion": f"meta.k8s.io/{shape[1]}" if shape[0] == "meta" else store.api_version(kind),
                                "metadata": {"resourceVersion": str(max(since, store.rv[0]))}}
                        pending = [("BOOKMARK", mark)]
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


class ControlHandler(Handler):
    control_only = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
