#!/usr/bin/env python3
"""Sends a chunked POST body in pieces, pausing between them, and prints the answer.

    slow_upload.py URL CHUNKS CHUNK_BYTES PAUSE_SECONDS

Prints one JSON line: the status and the body of the answer (or how the connection ended).
"""
import json
import socket
import sys
import time
import urllib.parse

url, chunks, size, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
parts = urllib.parse.urlsplit(url)
sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
sock.sendall((f"POST {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
              "Content-Type: multipart/related; type=\"application/dicom\"; boundary=XYZ\r\n"
              "Transfer-Encoding: chunked\r\n\r\n").encode())
sent = 0
try:
    for index in range(chunks):
        payload = (b"--XYZ\r\nContent-Type: application/dicom\r\n\r\n" if index == 0 else b"") + b"x" * size
        sock.sendall(b"%x\r\n" % len(payload) + payload + b"\r\n")
        sent += len(payload)
        time.sleep(pause)
    sock.sendall(b"0\r\n\r\n")
except OSError as error:  # the server answered and closed while we were still sending
    pass
answer = b""
try:
    while True:
        data = sock.recv(65536)
        if not data:
            break
        answer += data
        if b"\r\n\r\n" in answer:
            head, _, body = answer.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
except OSError:
    pass
head, _, body = answer.partition(b"\r\n\r\n")
status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else None
print(json.dumps({"status": status, "body": body.decode("utf-8", "replace"), "sent": sent}))
