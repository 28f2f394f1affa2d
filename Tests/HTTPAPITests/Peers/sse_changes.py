#!/usr/bin/env python3
"""Reads Apus's change stream (Server-Sent Events) as a browser's EventSource would.

    sse_changes.py URL COUNT SECONDS [LAST_EVENT_ID]

Connects to URL (…/changes/stream), reads events until COUNT have come, the server ends
the stream, or SECONDS pass, and prints one JSON line: the events (id, event, data), whether
the server ended the stream, and the response's Content-Type.
"""
import http.client
import json
import sys
import time
import urllib.parse

url, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
headers = {"Accept": "text/event-stream"}
if len(sys.argv) > 4:
    headers["Last-Event-ID"] = sys.argv[4]
parts = urllib.parse.urlsplit(url)
connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=seconds)
connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
response = connection.getresponse()
events, ended, field = [], False, {}
deadline = time.monotonic() + seconds
try:
    while len(events) < count and time.monotonic() < deadline:
        line = response.fp.readline()
        if not line:
            ended = True
            break
        line = line.decode("utf-8").rstrip("\r\n")
        if line == "":
            if "data" in field:
                events.append({"id": field.get("id"), "event": field.get("event"), "data": json.loads(field["data"])})
            field = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            field[name] = value[1:] if value.startswith(" ") else value
    if len(events) >= count and len(sys.argv) > 5 and sys.argv[5] == "until-end":
        while time.monotonic() < deadline:
            if not response.fp.readline():
                ended = True
                break
except TimeoutError:
    pass
print(json.dumps({"status": response.status, "contentType": response.getheader("Content-Type"),
                  "events": events, "ended": ended}))
