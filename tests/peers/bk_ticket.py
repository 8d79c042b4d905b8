#!/usr/bin/env python3
"""A STAND-IN for BK-CI's build API credential endpoint, as a plugin reaches it through the gateway:
GET <gateway>/ticket/api/build/credentials/{id}/detail. No BK-CI can run on these machines, so this
answers as the real pieces do, read from the Tencent/bk-ci source:

- the gateway (src/gateway/core/lua/auth/auth_build.lua, run as nginx `auth_request` for every
  /(ms/)<service>/api/build/ path): for buildType AGENT a missing X-DEVOPS-AGENT-SECRET-KEY,
  X-DEVOPS-AGENT-ID or X-DEVOPS-BUILD-ID is 401; the (secretKey, agentId, buildId, vmSid) tuple is
  then looked up, and an unknown one makes the auth subrequest answer 404, which auth_request turns
  into 500. DOCKER / PLUGIN_AGENT: secret key and agent id (401 when missing), looked up as a pair.
  Other build types (WORKER, MACOS) are recognised by the client address: accepted here. The
  gateway's error bodies are those of error/error.json.handler.conf, e.g.
  {"status": 401, "data": "", "result": true, "message": "用户权限验证失败。"}.
- the ticket service (BuildCredentialResource.getDetail -> CredentialServiceImpl.buildGetDetail):
  the credential's v1..v4 renamed by CredentialType.getKeyMap (USERNAME_PASSWORD: username,
  password; PASSWORD and MULTI_LINE_PASSWORD: password; ACCESSTOKEN: access_token; SECRETKEY:
  secretKey; ...), in Result {"status": 0, "data": {...}, "message": null}. An unknown id throws
  javax.ws.rs.NotFoundException, which NotFoundExceptionMapper answers with HTTP 404 and
  {"status": 404, "message": "请求的资源不存在", "data": null}.

--sdk is the .sdk.json the worker wrote (the identity this build holds); --credentials a JSON object
{id: {"type": TYPE, "v1": ..., "v2": ...}}. Every request is logged to --log as one JSON line
{method, path, headers (the X-DEVOPS-* ones), status}. Prints "PORT <n>" once it listens.
"""
import argparse, http.server, json, re, socketserver, threading, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--sdk", required=True)
p.add_argument("--credentials", required=True)
p.add_argument("--log", required=True)
p.add_argument("--port", type=int, default=0)
args = p.parse_args()

sdk = json.load(open(args.sdk))
credentials = json.load(open(args.credentials))
lock = threading.Lock()

# CredentialType.getKeyMap: which vN each type's keys come from.
KEY_MAP = {
    "PASSWORD": {"v1": "password"},
    "ACCESSTOKEN": {"v1": "access_token"},
    "USERNAME_PASSWORD": {"v1": "username", "v2": "password"},
    "SECRETKEY": {"v1": "secretKey"},
    "APPID_SECRETKEY": {"v1": "appId", "v2": "secretKey"},
    "SSH_PRIVATEKEY": {"v1": "privateKey", "v2": "passphrase"},
    "TOKEN_SSH_PRIVATEKEY": {"v1": "token", "v2": "privateKey", "v3": "passphrase"},
    "TOKEN_USERNAME_PASSWORD": {"v1": "token", "v2": "username", "v3": "password"},
    "COS_APPID_SECRETID_SECRETKEY_REGION": {"v1": "cosappId", "v2": "secretId", "v3": "secretKey", "v4": "region"},
    "MULTI_LINE_PASSWORD": {"v1": "password"},
}

GATEWAY_ERRORS = {
    401: "用户权限验证失败。",
    404: "请求资源不存在。",
    500: "服务器错误。",
}

DETAIL = re.compile(r"^/(?:ms/)?ticket/api/build/credentials/([^/]+)/detail/?$")


def gateway_refusal(headers):
    """The gateway's auth_build.lua for this request: None (let through) or the HTTP status."""
    build_type = headers.get("X-DEVOPS-BUILD-TYPE")
    # nginx's $http_x_... is nil only for a missing header; an empty one is a value.
    has = lambda name: headers.get(name) is not None
    get = lambda name: headers.get(name, "")
    if build_type == "AGENT":
        if not (has("X-DEVOPS-AGENT-SECRET-KEY") and has("X-DEVOPS-AGENT-ID") and has("X-DEVOPS-BUILD-ID")):
            return 401
        wanted = (sdk["secretKey"], sdk["agentId"], sdk["buildId"], sdk["vmSeqId"])
        given = tuple(get(h) for h in ("X-DEVOPS-AGENT-SECRET-KEY", "X-DEVOPS-AGENT-ID", "X-DEVOPS-BUILD-ID", "X-DEVOPS-VM-SID"))
        # Not in redis: the auth subrequest exits 404, which auth_request reports as 500.
        return None if given == wanted else 500
    if build_type in ("DOCKER", "PLUGIN_AGENT"):
        if not (has("X-DEVOPS-AGENT-SECRET-KEY") and has("X-DEVOPS-AGENT-ID")):
            return 401
        pair = (get("X-DEVOPS-AGENT-ID"), get("X-DEVOPS-AGENT-SECRET-KEY"))
        return None if pair == (sdk["agentId"], sdk["secretKey"]) else 500
    # WORKER, MACOS (and anything else): the build is found by the client's IP, here loopback.
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        devops = {k: v for k, v in self.headers.items() if k.upper().startswith("X-DEVOPS-")}
        entry = {"method": self.command, "path": self.path, "headers": devops, "status": code}
        with lock, open(args.log, "a") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def gateway_error(self, code):
        self.reply(code, {"status": code, "data": "", "result": True, "message": GATEWAY_ERRORS[code]})

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        match = DETAIL.match(path)
        if not match:
            return self.gateway_error(404)
        headers = {k.upper(): v for k, v in self.headers.items()}
        refused = gateway_refusal(headers)
        if refused:
            return self.gateway_error(refused)
        credential = credentials.get(urllib.parse.unquote(match.group(1)))
        if credential is None:
            return self.reply(404, {"status": 404, "message": "请求的资源不存在", "data": None})
        keys = KEY_MAP[credential["type"]]
        data = {name: credential.get(v) or "" for v, name in keys.items()}
        self.reply(200, {"status": 0, "data": data, "message": None})

    def do_POST(self):
        self.gateway_error(404)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
