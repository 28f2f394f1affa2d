"""Checks Apus's rendered resources with dicomweb-client and Pillow, the expected pixels computed
with numpy from pydicom's pixel_array by the rules of PS3.3 C.11 (Modality LUT, VOI window or
LUT, MONOCHROME1 inversion) and PS3.18 8.3.5.1 (window, viewport).

Usage: rendered_checks.py BASE_URL FILE...   (BASE_URL ends in /dicom-web; the files are those
the test stored). Prints one line per failed check and a summary; exits 1 on any failure.
"""
import io
import math
import sys

import numpy as np
import pydicom
import requests
from dicomweb_client.api import DICOMwebClient
from PIL import Image
from pydicom.pixels import apply_color_lut

base_url, paths = sys.argv[1], sys.argv[2:]
client = DICOMwebClient(url=base_url)
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def frame_attribute(ds, frame, keyword):
    """The attribute for one frame: top level, else the frame's functional groups, else the
    shared ones (PS3.3 C.7.6.16)."""
    if keyword in ds:
        return ds[keyword].value
    groups = []
    if "PerFrameFunctionalGroupsSequence" in ds and len(ds.PerFrameFunctionalGroupsSequence) >= frame:
        groups.append(ds.PerFrameFunctionalGroupsSequence[frame - 1])
    if "SharedFunctionalGroupsSequence" in ds:
        groups.append(ds.SharedFunctionalGroupsSequence[0])
    for group in groups:
        for element in group:
            if element.VR == "SQ" and len(element.value) and keyword in element.value[0]:
                return element.value[0][keyword].value
    return None


def first(value):
    if value is None:
        return None
    return float(value[0]) if isinstance(value, (list, pydicom.multival.MultiValue)) else float(value)


def window_output(x, center, width, function):
    if function == "LINEAR_EXACT":
        y = ((x - center) / width + 0.5) * 255
        return np.where(x <= center - width / 2, 0, np.where(x > center + width / 2, 255, y))
    if function == "SIGMOID":
        return 255 / (1 + np.exp(-4 * (x - center) / width))
    lower, upper = center - 0.5 - (width - 1) / 2, center - 0.5 + (width - 1) / 2
    y = ((x - (center - 0.5)) / (width - 1) + 0.5) * 255 if width > 1 else x * 0
    return np.where(x <= lower, 0, np.where(x > upper, 255, y))


def lut(item, values, signed):
    count, first_mapped, bits = [int(v) for v in item.LUTDescriptor]
    count = count or 65536
    if signed and first_mapped >= 0x8000:
        first_mapped -= 0x10000
    data = item.LUTData
    table = np.asarray(data if isinstance(data, (list, pydicom.multival.MultiValue)) else
                       np.frombuffer(data, dtype="<u2" if len(data) >= 2 * count else "u1")[:count], dtype=np.float64)
    return table[np.clip(np.floor(values).astype(np.int64) - first_mapped, 0, count - 1)], bits


def expected_image(ds, frame=1, window=None):
    """The 8-bit rendering of one frame, as Apus should make it."""
    pixels = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        pixels = pixels[frame - 1]
    photometric = ds.PhotometricInterpretation
    if photometric == "PALETTE COLOR":
        # 16-bit entries keep their high byte; 8-bit entries (even stored one to a word) as they are.
        rgb = apply_color_lut(pixels, ds).astype(np.uint32)
        bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
        return ((rgb >> 8) if bits == 16 else (rgb & 0xFF)).astype(np.uint8)
    if ds.SamplesPerPixel == 3:
        if ds.BitsAllocated == 16:
            return (pixels >> (int(ds.BitsStored) - 8)).astype(np.uint8)
        return pixels.astype(np.uint8)
    values = pixels.astype(np.float64)
    slope = first(frame_attribute(ds, frame, "RescaleSlope"))
    intercept = first(frame_attribute(ds, frame, "RescaleIntercept"))
    if slope is not None or intercept is not None:
        values = values * (slope if slope is not None else 1) + (intercept or 0)
    elif "ModalityLUTSequence" in ds:
        values, _ = lut(ds.ModalityLUTSequence[0], values, int(ds.PixelRepresentation) == 1)
    if window is None:
        center = first(frame_attribute(ds, frame, "WindowCenter"))
        width = first(frame_attribute(ds, frame, "WindowWidth"))
        function = frame_attribute(ds, frame, "VOILUTFunction") or "LINEAR"
        if center is not None and width is not None and (width >= 1 or (function != "LINEAR" and width > 0)):
            window = (center, width, function)
    if window is not None:
        grey = window_output(values, *window)
    elif "VOILUTSequence" in ds:
        entries, bits = lut(ds.VOILUTSequence[0], values, bool((values < 0).any()))
        grey = entries * 255 / ((1 << bits) - 1)
    else:
        low, high = values.min(), values.max()
        grey = window_output(values, (low + high) / 2, max(high - low, 1), "LINEAR_EXACT")
    grey = np.clip(np.floor(grey + 0.5), 0, 255).astype(np.uint8)
    return 255 - grey if photometric == "MONOCHROME1" else grey


def decode(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def compare(name, data, expected, image_format, tolerance):
    image = decode(data)
    check(image.format == image_format, f"{name}: format {image.format}, expected {image_format}")
    decoded = np.asarray(image).astype(np.int32)
    if decoded.shape != expected.shape:
        check(False, f"{name}: shape {decoded.shape} != {expected.shape}")
        return
    difference = np.abs(decoded - expected.astype(np.int32))
    if tolerance == 0:
        check(difference.max() == 0, f"{name}: {int((difference > 0).sum())} pixels differ, by up to {difference.max()}")
    else:
        check(difference.mean() <= tolerance, f"{name}: mean error {difference.mean():.2f} > {tolerance}")


def fitted(width, height, vw, vh):
    scale = min(vw / width, vh / height)
    return max(1, min(vw, round(width * scale))), max(1, min(vh, round(height * scale)))


def get(path, accept=None, **params):
    return requests.get(base_url + path, params=params, headers={"Accept": accept} if accept else {})


png = ("image/png",)
for path in paths:
    ds = pydicom.dcmread(path)
    name = path.rsplit("/", 1)[-1]
    uids = (ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    instance = f"/studies/{uids[0]}/series/{uids[1]}/instances/{uids[2]}"
    syntax = ds.file_meta.TransferSyntaxUID
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if syntax.is_compressed:
        response = get(instance + "/rendered")
        check(response.status_code == 406 and "cannot decode" in response.text,
              f"{name}: compressed → {response.status_code} {response.text[:200]}")
        continue
    expected = expected_image(ds)
    rows, columns = expected.shape[:2]
    # The instance as PNG: exact. Colour converted from YBR may differ by one step of rounding.
    tolerance = 0.5 if ds.PhotometricInterpretation.startswith("YBR") else 0
    compare(f"{name} PNG", client.retrieve_instance_rendered(*uids, media_types=png), expected, "PNG", tolerance)
    # JPEG, the default, at a high quality: close.
    compare(f"{name} JPEG", client.retrieve_instance_rendered(*uids, params={"quality": 95}), expected, "JPEG", 3)
    # A window from the request, in each function.
    if ds.SamplesPerPixel == 1 and ds.PhotometricInterpretation != "PALETTE COLOR":
        for function in ("linear", "linear-exact", "sigmoid"):
            window = (100.0, 300.0, function.upper().replace("-", "_"))
            data = client.retrieve_instance_rendered(*uids, media_types=png, params={"window": f"100,300,{function}"})
            compare(f"{name} window {function}", data, expected_image(ds, window=window), "PNG", 0)
    # A viewport: the size fitted, the content Pillow's bilinear reduction of the same image.
    vw, vh = max(1, columns // 2), max(1, rows // 3)
    image = decode(client.retrieve_instance_rendered(*uids, media_types=png, params={"viewport": f"{vw},{vh}"}))
    size = fitted(columns, rows, vw, vh)
    check(image.size == size, f"{name} viewport {vw},{vh}: size {image.size}, expected {size}")
    if image.size == size:
        reference = np.asarray(Image.fromarray(expected).resize(size, Image.BILINEAR)).astype(np.int32)
        error = np.abs(np.asarray(image).astype(np.int32) - reference)
        check(error.mean() <= 2, f"{name} viewport: mean difference from Pillow's reduction {error.mean():.2f}")
    # A source region, flipped horizontally: the same pixels, mirrored.
    sw, sh = max(1, columns // 4), max(1, rows // 4)
    data = client.retrieve_instance_rendered(
        *uids, media_types=png, params={"viewport": f"{sw},{sh},{columns // 8},{rows // 8},{-sw},{sh}"})
    region = expected[rows // 8:rows // 8 + sh, columns // 8:columns // 8 + sw][:, ::-1]
    compare(f"{name} region flipped", data, region, "PNG", 0)
    # Frames: each one asked for, the instance's first by default.
    if frames > 1:
        last = frames
        data = client.retrieve_instance_frames_rendered(*uids, frame_numbers=[last], media_types=png)
        compare(f"{name} frame {last}", data, expected_image(ds, frame=last), "PNG", 0)
        response = get(instance + f"/frames/1,{last}/rendered", accept="image/png")
        check(response.status_code == 200 and response.headers["Content-Type"].startswith("multipart/related"),
              f"{name}: two frames → {response.status_code} {response.headers.get('Content-Type')}")
        parts = list(client._decode_multipart_message(response, stream=False))
        check(len(parts) == 2, f"{name}: {len(parts)} parts for two frames")
        if len(parts) == 2:
            compare(f"{name} multipart frame {last}", parts[1], expected_image(ds, frame=last), "PNG", 0)
    response = get(instance + f"/frames/{frames + 998}/rendered")
    check(response.status_code == 400 and f"frame {frames + 998}" in response.text,
          f"{name}: frame {frames + 998} → {response.status_code} {response.text[:200]}")
    # Thumbnails: at most 128×128 by default, the instance's middle frame.
    for resource in (instance, f"/studies/{uids[0]}/series/{uids[1]}", f"/studies/{uids[0]}"):
        response = get(resource + "/thumbnail")
        check(response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg",
              f"{name}: {resource}/thumbnail → {response.status_code} {response.text[:200]}")
        if response.status_code == 200:
            thumbnail = decode(response.content)
            check(max(thumbnail.size) == 128, f"{name}: {resource}/thumbnail is {thumbnail.size}, not 128 wide or high")
    thumbnail = decode(get(instance + "/thumbnail", accept="image/png", viewport="64,64").content)
    check(thumbnail.size == fitted(columns, rows, 64, 64), f"{name}: thumbnail viewport 64,64 → {thumbnail.size}")
    # WADO-URI with its own parameters.
    wado = requests.get(base_url + "/wado", params={
        "requestType": "WADO", "studyUID": uids[0], "seriesUID": uids[1], "objectUID": uids[2],
        "contentType": "image/png", "rows": "40"})
    check(wado.status_code == 200 and wado.headers["Content-Type"] == "image/png",
          f"{name}: WADO-URI → {wado.status_code} {wado.text[:200]}")
    if wado.status_code == 200:
        check(decode(wado.content).size == fitted(columns, rows, 8192, 40), f"{name}: WADO-URI rows=40 size")

# Bad parameters, each a 400 that says what is wrong; a type Apus does not make, 406.
ds = pydicom.dcmread(paths[0])
instance = f"/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"
for params, text in [({"window": "abc"}, "window=abc"), ({"viewport": "0,0"}, "viewport=0,0"),
                     ({"quality": "0"}, "quality=0"), ({"window": "40,0,linear"}, "width"),
                     ({"window": "40,400,cubic"}, "linear-exact"), ({"viewport": "10,10,0,0,99999,10"}, "region")]:
    response = get(instance + "/rendered", **params)
    check(response.status_code == 400 and text in response.text, f"{params} → {response.status_code} {response.text[:200]}")
response = get(instance + "/rendered", accept="image/gif")
# Hummingbird's JSON error body escapes "/" as "\/".
check(response.status_code == 406 and "image/png" in response.text.replace("\\/", "/"),
      f"image/gif → {response.status_code} {response.text[:200]}")
response = get(instance + "/rendered", annotation="patient")
check(response.status_code == 200 and "annotation" in response.headers.get("Warning", ""),
      f"annotation → {response.status_code} {response.headers.get('Warning')}")
response = get(f"/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/rendered", accept="image/png")
check(response.status_code == 200 and 'type="image/png"' in response.headers.get("Content-Type", ""),
      f"series rendered → {response.status_code} {response.headers.get('Content-Type')}")

print(f"{checks - len(failures)} passed, {len(failures)} failed")
for failure in failures:
    print("FAIL", failure)
sys.exit(1 if failures else 0)
