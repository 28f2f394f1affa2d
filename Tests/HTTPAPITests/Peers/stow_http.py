"""STOW-RS over plain HTTP with chunked transfer encoding (http.client, no DICOMweb library).

Usage:
  stow_http.py URL corpus           every file of pydicom's test files and of pydicom-data
  stow_http.py URL big COUNT MB     COUNT generated CT instances of MB megabytes each, made and
                                    sent one at a time (the client holds one part)
  stow_http.py URL truncated FILE   FILE as a complete part, then a second part cut off

The body is sent in chunks of random sizes (seeded), with Transfer-Encoding: chunked. Prints
one JSON object: the HTTP status, the response body, and for each part sent its path (corpus)
and the SOP Instance UID pydicom reads from it (None if pydicom cannot read it).
"""
import http.client
import json
import os
import random
import sys
import urllib.parse

import pydicom
import pydicom.data
import data_store
from pydicom.uid import generate_uid, ExplicitVRLittleEndian

BOUNDARY = "apus-stow-test-boundary"


def corpus_files():
    roots = [
        os.path.join(os.path.dirname(pydicom.data.__file__), "test_files"),
        os.path.join(os.path.dirname(data_store.__file__), "data"),
    ]
    files = []
    for root in roots:
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if os.path.isfile(path) and not name.endswith((".py", ".txt", ".json", ".gz", ".bz2", ".zip", ".xz")):
                files.append(path)
    return files


def sop_uid(data):
    try:
        from io import BytesIO
        ds = pydicom.dcmread(BytesIO(data), force=True, stop_before_pixels=True)
        return str(ds.SOPInstanceUID) if "SOPInstanceUID" in ds else None
    except Exception:
        return None


def part(data):
    return (f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n").encode() + data + b"\r\n"


def big_instance(size_mb, series_uid, study_uid):
    ds = pydicom.Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.PatientID = "BIG"
    ds.PatientName = "Big^Upload"
    ds.Modality = "OT"
    side = int((size_mb * 1024 * 1024 // 2) ** 0.5)
    ds.Rows = side
    ds.Columns = side
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelData = random.randbytes(side * side * 2)
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    from io import BytesIO
    out = BytesIO()
    pydicom.dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


def chunks(pieces, rng):
    """Re-slices a stream of byte strings into random chunk sizes, holding at most one piece."""
    for piece in pieces:
        view = memoryview(piece)
        while len(view):
            size = rng.choice([1, 7, 100, 1000, 8191, 65536, 300000])
            yield bytes(view[:size])
            view = view[size:]


def main():
    url = urllib.parse.urlparse(sys.argv[1])
    mode = sys.argv[2]
    rng = random.Random(5107)
    sent = []

    def pieces():
        if mode == "corpus":
            for path in corpus_files():
                with open(path, "rb") as f:
                    data = f.read()
                sent.append({"path": path, "sop": sop_uid(data)})
                yield part(data)
        elif mode == "big":
            count, size_mb = int(sys.argv[3]), int(sys.argv[4])
            study, series = generate_uid(), generate_uid()
            for _ in range(count):
                data = big_instance(size_mb, series, study)
                sent.append({"sop": sop_uid(data), "size": len(data)})
                yield part(data)
        elif mode == "truncated":
            with open(sys.argv[3], "rb") as f:
                data = f.read()
            sent.append({"path": sys.argv[3], "sop": sop_uid(data)})
            yield part(data)
            yield part(data[: len(data) // 2])[:-2]
            return
        yield f"--{BOUNDARY}--\r\n".encode()

    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    headers = {"Content-Type": f'multipart/related; type="application/dicom"; boundary="{BOUNDARY}"',
               "Accept": "application/dicom+json"}
    connection.request("POST", url.path, body=chunks(pieces(), rng), headers=headers, encode_chunked=True)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = body
    print(json.dumps({"status": response.status, "response": parsed, "sent": sent}))


if __name__ == "__main__":
    main()
