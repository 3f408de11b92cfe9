"""Reads RFC 5322 messages (file paths as arguments) with Python's email package, which shares nothing
with the Go code that wrote them, and prints what it finds as a JSON array."""
import email
import email.policy
import json
import sys


def part(p):
    out = {
        "contentType": p.get_content_type(),
        "params": {k: v for k, v in p.get_params() or []},
        "defects": [type(d).__name__ for d in p.defects],
    }
    if p.is_multipart():
        out["parts"] = [part(s) for s in p.iter_parts()]
    else:
        payload = p.get_payload(decode=True)
        out["content"] = payload.decode(p.get_content_charset() or "ascii")
    return out


messages = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    headers = {}
    for name in msg.keys():
        headers.setdefault(name, []).append(str(msg[name]))
    body = part(msg)
    body["headers"] = headers
    body["to"] = [{"name": a.display_name, "address": a.addr_spec} for a in msg["To"].addresses]
    body["from"] = [{"name": a.display_name, "address": a.addr_spec} for a in msg["From"].addresses]
    messages.append(body)
json.dump(messages, sys.stdout)
