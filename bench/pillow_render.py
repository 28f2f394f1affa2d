"""The reference for RenderBenchmark: the same renderings with numpy (window, rescale) and
Pillow (JPEG through libjpeg-turbo, PNG through zlib), median CPU milliseconds of this thread per
workload, as JSON.

Usage: pillow_render.py DIRECTORY PASSES   (DIRECTORY holds ct.raw, 512×512 uint16, and
rgb.raw, 512×512×3 uint8, written by RenderBenchmark)
"""
import io
import json
import os
import statistics
import sys
import time

import numpy as np
from PIL import Image

directory, passes = sys.argv[1], int(sys.argv[2])
ct_raw = open(os.path.join(directory, "ct.raw"), "rb").read()
rgb_raw = open(os.path.join(directory, "rgb.raw"), "rb").read()


def ct_grey():
    hu = (np.frombuffer(ct_raw, dtype="<u2").reshape(512, 512) & 0x0FFF).astype(np.float64) - 1024
    center, width = 40.0, 400.0
    y = ((hu - (center - 0.5)) / (width - 1) + 0.5) * 255
    y = np.where(hu <= center - 0.5 - (width - 1) / 2, 0, np.where(hu > center - 0.5 + (width - 1) / 2, 255, y))
    return Image.fromarray(np.floor(y + 0.5).astype(np.uint8))


def encoded(image, kind, **options):
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def rgb():
    return Image.fromarray(np.frombuffer(rgb_raw, dtype=np.uint8).reshape(512, 512, 3))


workloads = {
    "CT 512×512 → JPEG q90": lambda: encoded(ct_grey(), "JPEG", quality=90),
    "CT 512×512 → PNG": lambda: encoded(ct_grey(), "PNG", compress_level=3),
    "CT 512×512 → thumbnail 128 JPEG": lambda: encoded(ct_grey().resize((128, 128), Image.BILINEAR), "JPEG", quality=90),
    "CT 512×512 → 8-bit only (no encoding)": ct_grey,
    "RGB 512×512 → JPEG q90 4:2:0": lambda: encoded(rgb(), "JPEG", quality=90, subsampling=2),
    "RGB 512×512 → PNG": lambda: encoded(rgb(), "PNG", compress_level=3),
}
results = {}
for name, work in workloads.items():
    timings = []
    for _ in range(passes):
        start = time.thread_time()
        work()
        timings.append((time.thread_time() - start) * 1000)
    results[name] = statistics.median(timings)
print(json.dumps(results))
