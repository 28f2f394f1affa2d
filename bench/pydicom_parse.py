#!/usr/bin/env python3
"""pydicom's side of bench/ParseBenchmark: parses the given files with pydicom.dcmread,
from memory (BytesIO) and from disk, and prints JSON timings.

Usage: pydicom_parse.py PASSES FILE...   (files listed one per line on stdin when FILE is -)
"""
import io
import json
import sys
import time

import pydicom


def main() -> None:
    passes = int(sys.argv[1])
    files = sys.argv[2:]
    if files == ["-"]:
        files = [line.strip() for line in sys.stdin if line.strip()]
    blobs = [open(f, "rb").read() for f in files]
    total_bytes = sum(len(b) for b in blobs)

    def touch(ds):
        # dcmread defers value conversion; reading every element's value makes the work
        # comparable to a reader that decodes the header.
        for elem in ds.iterall():
            elem.value

    best_memory = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        for blob in blobs:
            touch(pydicom.dcmread(io.BytesIO(blob), force=True))
        best_memory = min(best_memory, time.perf_counter() - start)

    best_disk = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        for name in files:
            touch(pydicom.dcmread(name, force=True))
        best_disk = min(best_disk, time.perf_counter() - start)

    json.dump(
        {
            "pydicom": pydicom.__version__,
            "files": len(files),
            "bytes": total_bytes,
            "memorySeconds": best_memory,
            "diskSeconds": best_disk,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
