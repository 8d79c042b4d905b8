#!/usr/bin/env python3
"""A HOSTILE SMTP server for the tests, plain asyncio (no aiosmtpd: it would behave). It speaks
just enough SMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and misbehaves in
one --mode:

  drop-after-dot    closes the connection as soon as the final "." of DATA arrives
  silent-after-dot  never answers the final "." (the connection stays open)
  garbage-after-dot answers the final "." with an over-long line of garbage
  451-after-dot     answers the final "." with 451 (try again later)
  rcpt-421          answers RCPT with 421 and closes (on the first --times connections)
  echo-auth         answers AUTH with "535 bad credentials: <the AUTH argument>"
  endless-line      greets with "220 " and then an endless line: no newline ever comes
  endless-reply     greets with an endless run of empty continuation lines ("220-")
  ok                behaves

Every event is appended to --log as one line, written before the server acts on it:
"CONNECT", "AUTH <mechanism>", "DATA" (a DATA command was answered 354), "DOT" (the final "."
of a message arrived). Prints "PORT <n>" once it listens.
"""
import argparse, asyncio

p = argparse.ArgumentParser()
p.add_argument("--mode", required=True,
               choices=["drop-after-dot", "silent-after-dot", "garbage-after-dot", "451-after-dot", "rcpt-421",
                        "echo-auth", "endless-line", "endless-reply", "ok"])
p.add_argument("--times", type=int, default=1_000_000, help="misbehave on the first N connections only")
p.add_argument("--log", required=True)
args = p.parse_args()
connections = [0]
# What an endless reply sends at most before it gives up, so that the peer stops by itself.
ENDLESS_BYTES = 1536 << 20


def log(event):
    with open(args.log, "a") as f:
        f.write(event + "\n")


async def session(reader, writer):
    connections[0] += 1
    hostile = connections[0] <= args.times
    mode = args.mode if hostile else "ok"
    log("CONNECT")

    async def say(line):
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    if mode in ("endless-line", "endless-reply"):
        await endless(writer, mode)
        return
    await say("220 hostile.test ESMTP")
    while True:
        line = await reader.readline()
        if not line:
            break
        verb, _, rest = line.decode(errors="replace").strip().partition(" ")
        verb = verb.upper()
        if verb in ("EHLO", "HELO"):
            await say("250-hostile.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME")
        elif verb == "AUTH":
            log("AUTH " + rest.split(" ")[0].upper())
            if mode == "echo-auth":
                await say("535 5.7.8 bad credentials: " + rest)
            else:
                await say("235 2.7.0 Authentication successful")
        elif verb in ("MAIL", "RSET", "NOOP"):
            await say("250 OK")
        elif verb == "RCPT":
            if mode == "rcpt-421":
                await say("421 4.3.2 hostile.test shutting down, try again later")
                break
            await say("250 OK")
        elif verb == "DATA":
            log("DATA")
            await say("354 End data with <CR><LF>.<CR><LF>")
            while (data := await reader.readline()) not in (b".\r\n", b""):
                pass
            if not data:
                break
            log("DOT")
            if mode == "drop-after-dot":
                break
            if mode == "silent-after-dot":
                await reader.read()  # until the client gives up and closes
                break
            if mode == "garbage-after-dot":
                await say("\x7f garbage " + "#" * 5000)
                continue
            if mode == "451-after-dot":
                await say("451 4.3.0 hostile.test cannot queue it now")
                continue
            await say("250 2.0.0 Ok: queued")
        elif verb == "QUIT":
            await say("221 Bye")
            break
        else:
            await say("500 5.5.2 unknown command")
    writer.close()


async def endless(writer, mode):
    """The greeting as an endless reply, until the client hangs up (or ENDLESS_BYTES went out)."""
    chunk = b"x" * 65536 if mode == "endless-line" else b"220-\r\n" * 10922
    sent = 0
    try:
        if mode == "endless-line":
            writer.write(b"220 ")
        while sent < ENDLESS_BYTES:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
        writer.close()
    except ConnectionError:
        pass


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", 0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
