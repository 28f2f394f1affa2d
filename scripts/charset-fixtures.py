#!/usr/bin/env python3
"""Writes Tests/DICOMTests/Fixtures/charsets.json: pydicom's view of every text value
in its test corpus that is read through a Specific Character Set (0008,0005).

Run from the package root:  python3 scripts/charset-fixtures.py
Needs pydicom (3.0.2 when the committed fixture was made) and pydicom-data.

For each SH, LO, ST, LT, UC, UT and PN element, top level and in sequence items (with
the item's own (0008,0005), or the one it inherits), one record holds the character set
terms, the VR, the raw value bytes as stored in the file (padding included) and the
string pydicom decodes them to: values of a multi-valued element joined with a
backslash, a PN value as str(PersonName). Where pydicom can encode that string again
with the same terms (writing validation set to raise), its bytes are recorded too.
Records with the same terms, VR and bytes are written once.
"""

import json
import sys
import warnings
from pathlib import Path

import pydicom
from pydicom import config
from pydicom.charset import convert_encodings, encode_string
from pydicom.data import get_charset_files, get_testdata_files
from pydicom.multival import MultiValue
from pydicom.valuerep import _encode_personname

TEXT_VRS = {"SH", "LO", "ST", "LT", "UC", "UT", "PN"}
CHARSET = pydicom.tag.Tag(0x0008, 0x0005)
OUTPUT = Path(__file__).resolve().parent.parent / "Tests/DICOMTests/Fixtures/charsets.json"


def terms_of(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def as_pydicom_string(value) -> str:
    values = list(value) if isinstance(value, MultiValue | list) else [value]
    return "\\".join(str(v) for v in values)


def pydicom_encoding(text: str, terms: list[str], vr: str) -> str | None:
    encodings = convert_encodings(terms or ["ISO_IR 6"])
    try:
        parts = []
        for value in text.split("\\") if vr not in ("LT", "ST", "UT") else [text]:
            if vr == "PN":
                parts.append(_encode_personname(value.split("="), encodings))
            else:
                parts.append(encode_string(value, encodings))
        return b"\\".join(parts).hex()
    except (UnicodeError, ValueError, LookupError):
        return None


def walk(dataset, terms, source, path, records):
    if CHARSET in dataset:
        terms = terms_of(dataset[CHARSET].value)
    for tag in list(dataset.keys()):
        raw = dataset.get_item(tag)
        element = dataset[tag]
        if element.VR == "SQ":
            for index, item in enumerate(element.value):
                walk(item, terms, source, f"{path}{element.tag:08X}[{index}]/", records)
            continue
        if element.VR not in TEXT_VRS or raw is None:
            continue
        raw_bytes = raw.value if isinstance(raw.value, bytes) else None
        if raw_bytes is None:
            continue
        text = as_pydicom_string(element.value) if element.value is not None else ""
        records.append(
            {
                "file": source,
                "tag": f"{path}{element.tag:08X}",
                "terms": terms,
                "vr": element.VR,
                "hex": raw_bytes.hex(),
                "pydicom": text,
                "pydicomEncoded": pydicom_encoding(text, terms, element.VR),
            }
        )


def corpus() -> list[Path]:
    files = [Path(f) for f in get_charset_files("*.dcm")]
    for name in get_testdata_files("*"):
        path = Path(name)
        if not path.is_file():
            continue
        try:
            dataset = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        except Exception:
            continue
        if CHARSET in dataset:
            files.append(path)
    return sorted(set(files), key=lambda p: p.name)


def main() -> int:
    warnings.simplefilter("ignore")
    config.settings.writing_validation_mode = config.RAISE
    records: list[dict] = []
    for path in corpus():
        dataset = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        walk(dataset, [], path.name, "", records)
    seen = set()
    unique = []
    for record in records:
        key = (tuple(record["terms"]), record["vr"], record["hex"])
        if key not in seen:
            seen.add(key)
            unique.append(record)
    header = json.dumps({"generator": "python3 scripts/charset-fixtures.py", "pydicom": pydicom.__version__})
    # One record a line, so that a regenerated fixture diffs line by line.
    lines = [json.dumps(record, ensure_ascii=False) for record in unique]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(header[:-1] + ', "values": [\n' + ",\n".join(lines) + "\n]}\n")
    print(f"{len(unique)} values ({len(records)} before removing duplicates) -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
