#!/usr/bin/env python3
"""Parses a received message with Python's `email` package (a real MIME parser, as mail clients
use) and prints what a reader would see, as JSON: decoded headers, each part's type, charset and
decoded text, attachments' names, sizes and SHA-256."""
import email, email.policy, gzip, hashlib, json, sys

raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
out = {"headers": {k: str(v) for k, v in msg.items()}, "header_names": list(msg.keys()),
       "raw_subject": email.message_from_bytes(raw, policy=email.policy.compat32)["Subject"],
       "content_type": msg.get_content_type(), "parts": []}
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
