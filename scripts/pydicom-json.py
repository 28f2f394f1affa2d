#!/usr/bin/env python3
"""Print pydicom's DICOM JSON model (PS3.18 F.2) of a file, as the reference that
Tests/DICOMTests/JSONModelTests.swift compares Apus's encoder with.

Usage: pydicom-json.py FILE [THRESHOLD]

FILE is a path, or `pydicom:NAME` for a file of pydicom's test corpus
(pydicom.data.get_testdata_file, or get_charset_files for the chr*.dcm files).

Without THRESHOLD every binary value is inline. With it, binary values longer than THRESHOLD
bytes become "BulkDataURI": "bulk/GGGGEEEE"; pydicom compares the value's length with
(threshold // 4) * 3 (a base64 length), so THRESHOLD must be a multiple of 3.

Prints one JSON object: {"path": the file read, "json": the data set's JSON model}.
"""

import json
import sys

import pydicom
from pydicom.data import get_charset_files, get_testdata_file


def resolve(name: str) -> str:
    if not name.startswith("pydicom:"):
        return name
    name = name[len("pydicom:"):]
    charset = get_charset_files(name)
    if charset:
        return charset[0]
    path = get_testdata_file(name)
    if path is None:
        sys.exit(f"pydicom-json.py: no test file {name}")
    return path


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    path = resolve(sys.argv[1])
    dataset = pydicom.dcmread(path)
    if len(sys.argv) == 3:
        threshold = int(sys.argv[2])
        if threshold % 3 != 0:
            sys.exit("pydicom-json.py: THRESHOLD must be a multiple of 3")
        model = dataset.to_json_dict(
            bulk_data_threshold=threshold // 3 * 4,
            bulk_data_element_handler=lambda element: f"bulk/{element.tag:08X}",
        )
    else:
        model = dataset.to_json_dict(bulk_data_threshold=0, bulk_data_element_handler=None)
    json.dump({"path": path, "json": model}, sys.stdout)


if __name__ == "__main__":
    main()
