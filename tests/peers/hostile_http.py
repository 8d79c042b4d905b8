#!/usr/bin/env python3
"""A HOSTILE HTTP(S) peer for the tests: a chart repository or OCI registry that lies, trickles,
redirects and points elsewhere, to prove the steps do not follow it.

Two listeners: the main one (optionally TLS) and a plain-HTTP "foreign" one on --foreign-port,
standing for another origin. Both append a JSON line per request to --log: which listener, the
path, and whether an Authorization header came. Prints "PORT <n>" once both listen.

Modes:
  trickle             every GET: 200, Content-Length 1000, then one byte a second
  downgrade           every GET: 302 to the same path on the foreign (plain HTTP) listener
  oci                 a registry (Basic auth with --auth) serving --chart-tgz as <repo>:<version>;
                      with --tamper:
    foreign-link      the tag list's Link header names the next page on the foreign listener
    malformed-link    the tag list's Link header is `>; rel="next"<`
    evil-version      the chart config's version is a path (../../evil)
    wrong-name        the chart config names another chart
    big-manifest      the manifest carries 5 MiB of annotation
    control-chars     the chart config's appVersion holds a terminal escape and a carriage return
    http-realm        the 401 challenge sends Bearer logins to a plain-HTTP token service
"""
import argparse, base64, hashlib, http.server, io, json, socketserver, ssl, tarfile, threading, time

p = argparse.ArgumentParser()
p.add_argument("--mode", required=True, choices=["trickle", "downgrade", "oci"])
p.add_argument("--tamper", default="")
p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
p.add_argument("--foreign-port", type=int, required=True)
p.add_argument("--log", required=True)
p.add_argument("--auth", help="user:pass the registry requires")
p.add_argument("--chart-tgz", help="the chart archive the registry serves")
p.add_argument("--repository", default="charts/demo")
args = p.parse_args()
lock = threading.Lock()


def log(listener, handler):
    with lock, open(args.log, "a") as f:
        auth = handler.headers.get("Authorization") is not None
        f.write(json.dumps({"listener": listener, "path": handler.path, "auth": auth}) + "\n")


def chart_meta(tgz):
    with tarfile.open(fileobj=io.BytesIO(tgz)) as t:
        for m in t.getmembers():
            if m.name.count("/") == 1 and m.name.endswith("/Chart.yaml"):
                text = t.extractfile(m).read().decode()
                meta = {}
                for line in text.splitlines():
                    if ":" in line and not line.startswith(" "):
                        k, v = line.split(":", 1)
                        meta[k.strip()] = v.strip().strip('"')
                return meta
    raise SystemExit("no Chart.yaml in --chart-tgz")


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


class Oci:
    def __init__(self):
        self.layer = open(args.chart_tgz, "rb").read()
        meta = chart_meta(self.layer)
        self.version = meta["version"]
        config = {"name": meta["name"], "version": meta["version"], "apiVersion": meta.get("apiVersion", "v2")}
        if args.tamper == "evil-version":
            config["version"] = "../../evil"
        if args.tamper == "wrong-name":
            config["name"] = "other"
        if args.tamper == "control-chars":
            config["appVersion"] = "1\x1b[2J\rfetched evil"
        self.config = json.dumps(config).encode()
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": digest(self.config), "size": len(self.config)},
            "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest(self.layer), "size": len(self.layer)}],
        }
        if args.tamper == "big-manifest":
            manifest["annotations"] = {"padding": "x" * (5 * 1024 * 1024)}
        self.manifest = json.dumps(manifest).encode()
        self.blobs = {digest(self.config): self.config, digest(self.layer): self.layer}


oci = Oci() if args.mode == "oci" else None


class Main(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        log("main", self)
        if args.mode == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            return
        if args.mode == "downgrade":
            self.send(302, headers=[("Location", f"http://127.0.0.1:{args.foreign_port}{self.path}")])
            return
        self.registry()

    def registry(self):
        if args.tamper == "http-realm" and self.headers.get("Authorization") is None:
            realm = f'Bearer realm="http://127.0.0.1:{args.foreign_port}/token",service="hostile"'
            self.send(401, b"{}", [("WWW-Authenticate", realm)])
            return
        if args.auth:
            want = "Basic " + base64.b64encode(args.auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.send(401, b"{}", [("WWW-Authenticate", 'Basic realm="hostile"')])
                return
        path = self.path.split("?")[0]
        prefix = f"/v2/{args.repository}/"
        if path == "/v2/":
            self.send(200, b"{}")
        elif path == prefix + "tags/list":
            headers = [("Content-Type", "application/json")]
            if args.tamper == "foreign-link":
                headers.append(("Link", f'<http://127.0.0.1:{args.foreign_port}{prefix}tags/list?last=x>; rel="next"'))
            if args.tamper == "malformed-link":
                headers.append(("Link", '>; rel="next"<'))
            self.send(200, json.dumps({"name": args.repository, "tags": [oci.version]}).encode(), headers)
        elif path.startswith(prefix + "manifests/"):
            self.send(200, oci.manifest, [("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        elif path.startswith(prefix + "blobs/") and path[len(prefix) + 6:] in oci.blobs:
            self.send(200, oci.blobs[path[len(prefix) + 6:]])
        else:
            self.send(404, b"{}")


class Foreign(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        log("foreign", self)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


foreign = Server(("127.0.0.1", args.foreign_port), Foreign)
threading.Thread(target=foreign.serve_forever, daemon=True).start()
main = Server(("127.0.0.1", 0), Main)
if args.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*args.tls)
    main.socket = ctx.wrap_socket(main.socket, server_side=True)
print("PORT", main.server_address[1], flush=True)
main.serve_forever()
