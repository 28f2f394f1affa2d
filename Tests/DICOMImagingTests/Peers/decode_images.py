"""Decodes images written by Apus's encoders with Pillow and compares them with the pixels
Apus meant to encode.

Usage: decode_images.py MANIFEST.json. The manifest is a list of {"file", "raw", "width",
"height", "channels"}: the encoded image and its source pixels (8-bit, rows top to bottom, RGB
interleaved). Prints one JSON object per entry: Pillow's format, mode and size, and the largest
and mean absolute difference from the source.
"""
import json
import sys

import numpy as np
from PIL import Image

for entry in json.load(open(sys.argv[1])):
    image = Image.open(entry["file"])
    image.load()
    shape = (entry["height"], entry["width"]) + ((3,) if entry["channels"] == 3 else ())
    source = np.fromfile(entry["raw"], dtype=np.uint8).reshape(shape).astype(np.int32)
    decoded = np.asarray(image).astype(np.int32)
    result = {"file": entry["file"], "format": image.format, "mode": image.mode, "size": list(image.size)}
    if decoded.shape == source.shape:
        difference = np.abs(decoded - source)
        result["max_error"] = int(difference.max())
        result["mean_error"] = float(difference.mean())
    print(json.dumps(result))
