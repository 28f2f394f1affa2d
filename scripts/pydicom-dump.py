#!/usr/bin/env python3
"""pydicom's view of DICOM files, as JSON: the reference Apus's corpus tests compare with.

Usage:
    scripts/pydicom-dump.py FILE...         one record per file, in the order given
    scripts/pydicom-dump.py --corpus        every file of pydicom.data.get_testdata_files()
    scripts/pydicom-dump.py --list          the corpus paths, one a line
    scripts/pydicom-dump.py --keep-un FILE...
                                            keep UN values as bytes (pydicom otherwise
                                            parses a UN value of a known sequence in the
                                            file's byte order, where PS3.5 §6.2.2 says
                                            implicit VR little endian: wrong in big endian)

Output (stdout), deterministic for the same files and pydicom version:

    {"pydicom": "3.0.2", "files": [FILE, ...]}

    FILE = {"path", "strict": null | error text (dcmread without force),
            "forced": null | error text (dcmread(force=True), tried when strict failed),
            "transfer_syntax": uid | null, "implicit_vr", "little_endian",
            "warnings": [text, ...], "meta": [ELEMENT, ...], "dataset": [ELEMENT, ...]}

    ELEMENT = {"tag": "ggggeeee", "vr": pydicom's VR after conversion and ambiguity
               correction, "raw_vr": the VR written in the file (null when implicit),
               "dict_vr": the dictionary's VR ("US or SS", …; null when unknown or private),
               "length": the length field (4294967295 when undefined),
               then one of
               "value": VALUE                    the value bytes as stored in the file,
               "items": [[ELEMENT, ...], ...]    a sequence's items,
               "fragments": [VALUE, ...]         an undefined-length value made of items
                                                 (encapsulated pixel data): basic offset
                                                 table first, then each fragment,
               and "error": text when pydicom could not convert the element,
               "short": true when the file ended before the value did}

    VALUE = {"length": n, "hex": "…"} for up to HEX_LIMIT bytes, else
            {"length": n, "crc32": n, "head": first 16 bytes as hex}

Values are the undecoded bytes (byte order of the file), read with defer_size=None from
pydicom's RawDataElement before any conversion. Elements pydicom converts while reading
(Specific Character Set, a few meta elements) are caught on the way through
`convert_raw_data_element`, so their raw bytes are kept too.
"""

import json
import logging
import os
import struct
import sys
import warnings
import zlib

import pydicom
import pydicom.config
import pydicom.dataset
from pydicom.dataelem import RawDataElement
from pydicom.datadict import dictionary_VR

HEX_LIMIT = 256

# pydicom also logs what it warns about; the warnings are in the output already.
logging.getLogger("pydicom").addHandler(logging.NullHandler())
logging.getLogger("pydicom").propagate = False
UNDEFINED = 0xFFFFFFFF

# Raw elements pydicom converted itself, by id() of the converted element (which is kept
# alive here so that the id is not reused).
_converted: dict[int, tuple[object, RawDataElement]] = {}
_convert = pydicom.dataset.convert_raw_data_element


def _remember_raw(raw, **kwargs):
    element = _convert(raw, **kwargs)
    _converted[id(element)] = (element, raw)
    return element


pydicom.dataset.convert_raw_data_element = _remember_raw


def value_record(data: bytes) -> dict:
    if len(data) <= HEX_LIMIT:
        return {"length": len(data), "hex": data.hex()}
    return {"length": len(data), "crc32": zlib.crc32(data), "head": data[:16].hex()}


def items_of(data: bytes, little_endian: bool) -> list[bytes] | None:
    """The items of an undefined-length value (fragments), or None when it isn't made of items."""
    unpack = struct.Struct("<HHL" if little_endian else ">HHL").unpack_from
    items, offset = [], 0
    while offset < len(data):
        if len(data) - offset < 8:
            return None
        group, element, length = unpack(data, offset)
        if (group, element) != (0xFFFE, 0xE000) or length > len(data) - offset - 8:
            return None
        items.append(data[offset + 8 : offset + 8 + length])
        offset += 8 + length
    return items


def dictionary_vr(tag) -> str | None:
    if tag.is_private:
        return None
    try:
        return str(dictionary_VR(tag))
    except KeyError:
        return None


def dump_dataset(ds, little_endian: bool) -> list[dict]:
    records = []
    for tag in sorted(ds._dict.keys()):
        stored = ds._dict[tag]
        raw = stored if isinstance(stored, RawDataElement) else None
        if raw is None and id(stored) in _converted:
            raw = _converted[id(stored)][1]
        record = {
            "tag": f"{int(tag):08X}",
            "raw_vr": None if raw is None or raw.VR is None else str(raw.VR),
            "dict_vr": dictionary_vr(tag),
        }
        try:
            element = ds[tag]
        except Exception as error:  # pydicom couldn't convert it: keep the raw view
            element = None
            record["error"] = f"{type(error).__name__}: {error}"
        record["vr"] = str(element.VR) if element is not None else record["raw_vr"]
        if raw is not None:
            record["length"] = raw.length
        elif element is not None and element.is_undefined_length:
            record["length"] = UNDEFINED
        if element is not None and element.VR == "SQ":
            record["items"] = [dump_dataset(item, little_endian) for item in element.value]
        elif raw is not None:
            data = raw.value or b""
            fragments = items_of(data, little_endian) if raw.length == UNDEFINED else None
            if fragments is not None:
                record["fragments"] = [value_record(fragment) for fragment in fragments]
            else:
                record["value"] = value_record(data)
                if raw.length != UNDEFINED and len(data) < raw.length:
                    record["short"] = True  # the file ended inside the value
        records.append(record)
    return records


def read(path: str, force: bool):
    return pydicom.dcmread(path, force=force, defer_size=None)


def dump_file(path: str) -> dict:
    record = {"path": path, "strict": None, "forced": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = None
        try:
            ds = read(path, force=False)
        except Exception as error:
            record["strict"] = f"{type(error).__name__}: {error}"
            try:
                ds = read(path, force=True)
            except Exception as forced_error:
                record["forced"] = f"{type(forced_error).__name__}: {forced_error}"
        if ds is not None:
            meta = getattr(ds, "file_meta", None)
            syntax = meta.get("TransferSyntaxUID") if meta is not None else None
            implicit, little = ds.original_encoding[:2]
            record["transfer_syntax"] = None if syntax is None else str(syntax)
            record["implicit_vr"] = implicit
            record["little_endian"] = little
            try:
                record["meta"] = dump_dataset(meta, True) if meta is not None else []
                record["dataset"] = dump_dataset(ds, little)
            except Exception as error:
                record["walk"] = f"{type(error).__name__}: {error}"
        messages = []
        for warning in caught:
            text = str(warning.message)
            if text not in messages:
                messages.append(text)
        record["warnings"] = messages
    _converted.clear()
    return record


def corpus() -> list[str]:
    from pydicom.data import get_testdata_files

    return sorted(path for path in get_testdata_files() if os.path.isfile(path))


def main(arguments: list[str]) -> int:
    if arguments == ["--list"]:
        print("\n".join(corpus()))
        return 0
    if arguments[:1] == ["--keep-un"]:
        pydicom.config.replace_un_with_known_vr = False
        arguments = arguments[1:]
    if arguments == ["--corpus"]:
        paths = corpus()
    elif arguments and not any(argument.startswith("--") for argument in arguments):
        paths = arguments
    else:
        print(__doc__, file=sys.stderr)
        return 2
    output = {"pydicom": pydicom.__version__, "files": [dump_file(path) for path in paths]}
    json.dump(output, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
