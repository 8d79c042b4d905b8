#!/usr/bin/env python3
"""A STAND-IN for a Kubernetes API server, for tests only: no kube-apiserver can run on these
machines (no k3s, kind or container images). It serves the small part of the core/v1 API that
Deckhand's pull-secret uses, with the real API's shapes and rules:

- GET /version; namespaces (get, create); secrets and serviceaccounts (get, create, replace);
- bearer-token auth (401 Status otherwise); 404/409 Status bodies with reasons like the real API's;
- metadata stamped as the API server does (uid, resourceVersion, creationTimestamp, namespace);
- optimistic concurrency: a replace with a stale resourceVersion gets 409 Conflict;
- creating in a missing namespace gets 404 `namespaces "x" not found`;
- a new namespace gets its `default` service account a second later, as the real controller
  creates it shortly after the namespace.

--dump writes every stored object as JSON after each change; --log appends "METHOD path" lines,
so tests can see what was called (e.g. that nothing was ever deleted). Prints "PORT <n>".
"""
import argparse, copy, http.server, json, socketserver, threading, time, uuid

p = argparse.ArgumentParser()
p.add_argument("--token", required=True)
p.add_argument("--git-version", default="v1.30.4")
p.add_argument("--preload", help="JSON list of objects to start with")
p.add_argument("--dump", required=True)
p.add_argument("--log", required=True)
p.add_argument("--port", type=int, default=0)
args = p.parse_args()

lock = threading.Lock()
store = {}  # (kind, namespace, name) -> object
version = [100]
KINDS = {"secrets": "Secret", "serviceaccounts": "ServiceAccount", "namespaces": "Namespace"}


def stamp(obj, kind, ns):
    version[0] += 1
    meta = obj.setdefault("metadata", {})
    meta.setdefault("uid", str(uuid.uuid4()))
    meta.setdefault("creationTimestamp", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    meta["resourceVersion"] = str(version[0])
    if ns:
        meta["namespace"] = ns
    obj["kind"] = kind
    obj["apiVersion"] = "v1"
    if kind == "Secret":
        obj.setdefault("type", "Opaque")
    return obj


def dump():
    with open(args.dump + ".tmp", "w") as f:
        json.dump([o for o in store.values()], f, indent=1)
    import os
    os.replace(args.dump + ".tmp", args.dump)


if args.preload:
    for obj in json.load(open(args.preload)):
        kind = obj["kind"]
        ns = obj["metadata"].get("namespace", "")
        store[(kind, ns, obj["metadata"]["name"])] = stamp(obj, kind, ns)
dump()


def add_default_service_account(ns):
    with lock:
        store[("ServiceAccount", ns, "default")] = stamp({"metadata": {"name": "default"}}, "ServiceAccount", ns)
        dump()


def status(code, reason, message):
    return code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                  "message": message, "reason": reason, "code": code}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length) or b"{}")

    def handle_any(self, method):
        path = self.path.split("?")[0]
        with lock, open(args.log, "a") as f:
            f.write(f"{method} {path}\n")
        if self.headers.get("Authorization") != f"Bearer {args.token}":
            return self.send(*status(401, "Unauthorized", "Unauthorized"))
        if path == "/version" and method == "GET":
            major, minor = args.git_version.lstrip("v").split(".")[:2]
            return self.send(200, {"major": major, "minor": minor, "gitVersion": args.git_version,
                                   "platform": "linux/amd64"})
        parts = path.strip("/").split("/")
        with lock:
            code, body = self.route(method, parts)
            if method in ("POST", "PUT") and code < 300:
                dump()
        self.send(code, body)

    def route(self, method, parts):
        if parts[:2] != ["api", "v1"]:
            return status(404, "NotFound", "the server could not find the requested resource")
        rest = parts[2:]
        if rest and rest[0] == "namespaces" and len(rest) <= 2:
            ns, kind, name = "", "Namespace", (rest[1] if len(rest) == 2 else None)
        elif len(rest) in (3, 4) and rest[0] == "namespaces" and rest[2] in KINDS:
            ns, kind, name = rest[1], KINDS[rest[2]], (rest[3] if len(rest) == 4 else None)
            if ("Namespace", "", ns) not in store and method == "POST":
                return status(404, "NotFound", f'namespaces "{ns}" not found')
        else:
            return status(404, "NotFound", "the server could not find the requested resource")
        plural = {v: k for k, v in KINDS.items()}[kind]
        if method == "GET" and name:
            obj = store.get((kind, ns, name))
            return (200, obj) if obj else status(404, "NotFound", f'{plural} "{name}" not found')
        if method == "POST" and not name:
            obj = self.body()
            name = obj.get("metadata", {}).get("name")
            if (kind, ns, name) in store:
                return status(409, "AlreadyExists", f'{plural} "{name}" already exists')
            store[(kind, ns, name)] = stamp(obj, kind, ns)
            if kind == "Namespace":
                threading.Timer(1.0, add_default_service_account, [name]).start()
            return 201, store[(kind, ns, name)]
        if method == "PUT" and name:
            obj = self.body()
            old = store.get((kind, ns, name))
            if not old:
                return status(404, "NotFound", f'{plural} "{name}" not found')
            if obj.get("metadata", {}).get("resourceVersion") != old["metadata"]["resourceVersion"]:
                return status(409, "Conflict", f'Operation cannot be fulfilled on {plural} "{name}": '
                              "the object has been modified; please apply your changes to the latest version and try again")
            obj["metadata"]["uid"] = old["metadata"]["uid"]
            obj["metadata"]["creationTimestamp"] = old["metadata"]["creationTimestamp"]
            store[(kind, ns, name)] = stamp(obj, kind, ns)
            return 200, store[(kind, ns, name)]
        return status(405, "MethodNotAllowed", f"{method} is not supported by this stand-in")

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


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
