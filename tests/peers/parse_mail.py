#!/usr/bin/env python3
"""Parses a received message with Python's `email` package (a real MIME parser, as mail clients
use) and prints what a reader would see, as JSON: decoded headers, each part's type, charset and
decoded text, attachments' names, sizes and SHA-256; and of the raw header block, the longest line
and the longest RFC 2047 encoded-word."""
import email, email.header, email.policy, gzip, hashlib, json, re, sys

raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
out = {"headers": {k: str(v) for k, v in msg.items()}, "header_names": list(msg.keys()),
       "raw_subject": email.message_from_bytes(raw, policy=email.policy.compat32)["Subject"],
       "raw_from": email.message_from_bytes(raw, policy=email.policy.compat32)["From"],
       "content_type": msg.get_content_type(), "parts": []}
# RFC 2047 read strictly (adjacent encoded-words join without a space), as mail clients do; the
# `headers` above come from Python's newer parser, which puts a space between them in a name.
strict = email.message_from_bytes(raw, policy=email.policy.compat32)
out["rfc2047"] = {k: str(email.header.make_header(email.header.decode_header(re.sub(r"\r?\n[ \t]", " ", v))))
                  for k, v in strict.items()}
head = raw.split(b"\r\n\r\n", 1)[0]
out["max_header_line"] = max(len(line) for line in head.split(b"\r\n"))
out["max_encoded_word"] = max([len(w) for w in re.findall(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=", head)] or [0])
for part in msg.walk():
    if part.is_multipart():
        continue
    entry = {"content_type": part.get_content_type(), "charset": part.get_content_charset()}
    if part.get_filename():
        data = part.get_payload(decode=True)
        entry.update(filename=part.get_filename(), size=len(data), sha256=hashlib.sha256(data).hexdigest())
        if entry["content_type"] == "application/gzip":
            entry["gunzipped"] = gzip.decompress(data).decode(errors="replace")
    else:
        entry["text"] = part.get_content()
    out["parts"].append(entry)
print(json.dumps(out, ensure_ascii=False))
