"""Reads a ZIP archive with Python's zipfile, the reference reader of the ZIP tests.

Usage:
  zip_check.py ARCHIVE extract DIR     testzip(), then every file extracted under DIR
  zip_check.py ARCHIVE pattern COUNT   testzip(); COUNT entries, entry i named f"{i // 1000}/{i}.txt"
                                       holding str(i)
  zip_check.py ARCHIVE sparse          testzip() (which reads every byte); the sizes and CRCs as listed
  zip_check.py ARCHIVE url URL         downloads URL (Accept: application/zip) into ARCHIVE first, then
                                       as `extract ARCHIVE.d`
  zip_check.py ARCHIVE make            writes ARCHIVE with zipfile: deflated, stored and ZIP64 entries

Prints one JSON object on its last line: the entries (name, size, crc, compress_type), whether
ZIP64 records were needed, and what the mode checked. Exits non-zero on any failure.
"""
import json
import os
import sys
import urllib.request
import zipfile


def summary(archive, checked):
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
        bad = z.testzip()
        if bad is not None:
            sys.exit(f"testzip: {bad} is damaged")
        entries = [
            {"name": i.filename, "size": i.file_size, "crc": i.CRC, "compress_type": i.compress_type}
            for i in infos
        ]
    with open(archive, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 98))
        tail = f.read()
    zip64 = b"PK\x06\x06" in tail
    print(json.dumps({"entries": entries, "zip64": zip64, "checked": checked, "size": size}))


def main():
    archive, mode = sys.argv[1], sys.argv[2]
    if mode == "url":
        request = urllib.request.Request(sys.argv[3], headers={"Accept": "application/zip"})
        with urllib.request.urlopen(request) as response, open(archive, "wb") as out:
            if response.headers.get("Content-Type") != "application/zip":
                sys.exit("Content-Type " + str(response.headers.get("Content-Type")))
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
        mode, target = "extract", archive + ".d"
    elif len(sys.argv) > 3:
        target = sys.argv[3]
    if mode == "extract":
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
        summary(archive, "extracted")
    elif mode == "pattern":
        count = int(target)
        with zipfile.ZipFile(archive) as z:
            infos = z.infolist()
            if len(infos) != count:
                sys.exit(f"{len(infos)} entries, expected {count}")
            for i, info in enumerate(infos):
                if info.filename != f"{i // 1000}/{i}.txt":
                    sys.exit(f"entry {i} named {info.filename}")
                if z.read(info) != str(i).encode():
                    sys.exit(f"entry {i} holds {z.read(info)!r}")
        summary(archive, "pattern")
    elif mode == "sparse":
        summary(archive, "sparse")
    elif mode == "make":
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("deflated.bin", bytes(range(256)) * 400, compress_type=zipfile.ZIP_DEFLATED)
            z.writestr("stored.txt", b"stored by Python", compress_type=zipfile.ZIP_STORED)
            with z.open("forced64.bin", "w", force_zip64=True) as f:
                f.write(b"x" * 5000)
            z.mkdir("folder") if hasattr(z, "mkdir") else None
            z.comment = b"made by zip_check.py"
        summary(archive, "made")
    else:
        sys.exit("unknown mode " + mode)


main()
