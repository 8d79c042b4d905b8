#!/usr/bin/env python3
"""A real SMTP server for the tests: aiosmtpd on loopback, in one of three modes: `starttls`
(STARTTLS required before anything, AUTH required over TLS), `tls` (implicit TLS + AUTH), `plain`
(no TLS offered; AUTH only if --user is given). Every accepted message is written to --out as
NNN.eml (the bytes received) and NNN.json (envelope: sender, recipients, whether TLS and AUTH were
used). --transient N answers the first N RCPT commands with 451 (try again later); --reject TEXT
answers 550 to recipients containing TEXT. Prints "PORT <n>".
"""
import argparse, asyncio, json, os, socket, ssl, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

p = argparse.ArgumentParser()
p.add_argument("--mode", choices=["starttls", "tls", "plain"], required=True)
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--user")
p.add_argument("--password")
p.add_argument("--out", required=True)
p.add_argument("--transient", type=int, default=0)
p.add_argument("--reject", default="")
args = p.parse_args()
lock = threading.Lock()
transient = [args.transient]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with lock:
            if transient[0] > 0:
                transient[0] -= 1
                return "451 4.3.0 Try again later"
        if args.reject and args.reject in address:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            n = len([f for f in os.listdir(args.out) if f.endswith(".eml")])
            base = os.path.join(args.out, f"{n:03d}")
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".json", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "tls": session.ssl is not None, "auth": bool(session.authenticated)}, f)
        return "250 2.0.0 Ok: queued as DECKHAND%03d" % n


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user \
        and auth_data.password.decode() == args.password
    return AuthResult(success=ok, handled=False)


context = None
if args.mode != "plain":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
auth = dict(authenticator=authenticator, auth_required=True) if args.user else {}
if args.mode == "starttls":
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_require_tls=True, **auth)
elif args.mode == "tls":
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ssl_context=context, auth_require_tls=False,
                            **auth)
else:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, auth_require_tls=False, **auth)
controller.start()
print("PORT", port, flush=True)
threading.Event().wait()
