#!/usr/bin/env python3
"""A static HTTP(S) file server for the tests: a real chart repository is exactly static files.

Serves --root like `python3 -m http.server`, plus what the tests need to control:
basic auth, TLS, failures of the first N requests (dropped connections or 503), truncated
archives, and a request log (path, query, whether an Authorization header came).
Prints "PORT <n>" on its first line once it listens.
"""
import argparse, base64, http.server, json, os, socketserver, ssl, sys, threading

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--port", type=int, default=0)
p.add_argument("--auth", help="user:pass required on every request")
p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
p.add_argument("--drop", type=int, default=0, help="close the first N connections without answering")
p.add_argument("--fail503", type=int, default=0, help="answer the first N requests with 503")
p.add_argument("--truncate", action="store_true", help="announce more bytes than a .tgz has, then close")
p.add_argument("--log", help="append one JSON line per request")
p.add_argument("--client-ca", help="with --tls: require a client certificate signed by this CA")
p.add_argument("--proxy", action="store_true",
               help="also answer proxy requests (GET http://any-host/path) from --root, as a forward proxy would")
args = p.parse_args()

lock = threading.Lock()
counts = {"drop": args.drop, "fail503": args.fail503}


def take(kind):
    with lock:
        if counts[kind] > 0:
            counts[kind] -= 1
            return True
        return False


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=args.root, **kw)

    def log_message(self, *a):
        pass

    def do_GET(self):
        proxied = False
        if args.proxy and self.path.startswith("http://"):
            # An absolute URI: we are the proxy; serve the path from --root.
            self.path = "/" + self.path.split("/", 3)[3] if self.path.count("/") >= 3 else "/"
            proxied = True
        path, _, query = self.path.partition("?")
        if args.log:
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"path": path, "query": query, "proxied": proxied,
                                    "auth": "Authorization" in self.headers}) + "\n")
        if take("drop"):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if take("fail503"):
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if args.auth:
            want = "Basic " + base64.b64encode(args.auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="charts"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if args.truncate and path.endswith(".tgz"):
            full = os.path.join(args.root, path.lstrip("/"))
            data = open(full, "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.path = path  # the query string does not name a file
        super().do_GET()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", args.port), Handler)
if args.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*args.tls)
    if args.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(args.client_ca)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
