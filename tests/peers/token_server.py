#!/usr/bin/env python3
"""A token server of the distribution token spec, for testing the Bearer flow against the real
registry (docker-registry configured with auth.token and this server's certificate).

GET /token?service=S&scope=repository:NAME:ACTIONS with Basic credentials -> {"token": JWT, ...}
signed RS256 with --key, the certificate in the JWT's x5c header. Wrong or missing credentials
get 401. Prints "PORT <n>" once it listens.
"""
import argparse, base64, http.server, json, secrets, socketserver, time, urllib.parse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

p = argparse.ArgumentParser()
p.add_argument("--key", required=True)
p.add_argument("--cert", required=True)
p.add_argument("--user", required=True, help="user:pass")
p.add_argument("--issuer", required=True)
p.add_argument("--port", type=int, default=0)
args = p.parse_args()

key = open(args.key, "rb").read()
cert = x509.load_pem_x509_certificate(open(args.cert, "rb").read())
x5c = [base64.b64encode(cert.public_bytes(Encoding.DER)).decode()]
want = "Basic " + base64.b64encode(args.user.encode()).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/token":
            return self.reply(404, {"error": "not found"})
        if self.headers.get("Authorization") != want:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
        self.grant(query.get("service", [""])[0], query.get("scope", []))

    def do_POST(self):
        # The OAuth2 form some clients (helm push, via oras) use: grant_type=password.
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        user = form.get("username", [""])[0] + ":" + form.get("password", [""])[0]
        if form.get("grant_type", [""])[0] != "password" or user != args.user:
            return self.reply(401, {"error": "invalid_grant"})
        scopes = [s for scope in form.get("scope", []) for s in scope.split(" ")]
        self.grant(form.get("service", [""])[0], scopes)

    def grant(self, service, scopes):
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        claims = {"iss": args.issuer, "sub": args.user.split(":")[0], "aud": service,
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": secrets.token_hex(8), "access": access}
        token = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
        self.reply(200, {"token": token, "access_token": token, "expires_in": 300})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
