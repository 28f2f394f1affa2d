#!/usr/bin/env python3
"""Writes Tests/DICOMNetworkTests/DIMSEGoldenFixtures.swift: DIMSE command sets and PDV
fragments exactly as pynetdicom encodes them, for the golden-byte tests of the DIMSE layer.

Run from the package root:  python3 scripts/dimse-fixtures.py
Needs pynetdicom (3.0.4 with pydicom 3.0.2 when the committed fixture was made).

Each command set is built as a pynetdicom DIMSE primitive (pynetdicom.dimse_primitives),
turned into a DIMSE message with `primitive_to_message` (which sets Command Field,
Command Data Set Type and Command Group Length) and encoded with
`pynetdicom.dsutils.encode(command_set, is_implicit_vr=True, is_little_endian=True)`,
as pynetdicom does before sending (PS3.7 §6.3.1: command sets are always Implicit VR
Little Endian). The fragment fixtures are the presentation data values that
`DIMSEMessage.encode_msg(context_id, max_pdu_length)` yields: message control header
byte, then the fragment.
"""

import textwrap
from io import BytesIO
from pathlib import Path

import pydicom
import pynetdicom
from pydicom.dataset import Dataset
from pynetdicom import dimse_messages, dimse_primitives
from pynetdicom.dsutils import encode

OUTPUT = Path("Tests/DICOMNetworkTests/DIMSEGoldenFixtures.swift")

VERIFICATION = "1.2.840.10008.1.1"
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1"
STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2"
STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3"
INSTANCE = "1.2.826.0.1.3680043.2.1143.1.2.3"


def identifier() -> BytesIO:
    """A small study-level query, Implicit VR Little Endian (28 bytes)."""
    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    ds.PatientID = "PAT-1"
    return BytesIO(encode(ds, True, True))


def message(kind: str, primitive) -> "dimse_messages.DIMSEMessage":
    msg = getattr(dimse_messages, kind)()
    msg.primitive_to_message(primitive)
    return msg


def command_bytes(msg) -> bytes:
    return encode(msg.command_set, True, True)


def fixtures():
    """(name, documentation, message) in the order they are written."""
    out = []

    p = dimse_primitives.C_ECHO()
    p.MessageID = 1
    p.AffectedSOPClassUID = VERIFICATION
    out.append(("cEchoRequest", "C-ECHO-RQ: message ID 1, Verification SOP Class, no data set.",
                message("C_ECHO_RQ", p)))

    p = dimse_primitives.C_ECHO()
    p.MessageIDBeingRespondedTo = 1
    p.AffectedSOPClassUID = VERIFICATION
    p.Status = 0x0000
    out.append(("cEchoResponse", "C-ECHO-RSP: responding to 1, Verification SOP Class, status 0x0000.",
                message("C_ECHO_RSP", p)))

    p = dimse_primitives.C_STORE()
    p.MessageID = 7
    p.AffectedSOPClassUID = CT_IMAGE_STORAGE
    p.AffectedSOPInstanceUID = INSTANCE
    p.Priority = 0x0002
    p.MoveOriginatorApplicationEntityTitle = "MOVESCU"
    p.MoveOriginatorMessageID = 3
    p.DataSet = identifier()
    out.append(("cStoreRequest",
                "C-STORE-RQ: message ID 7, CT Image Storage, instance " + INSTANCE
                + ", priority LOW, move originator MOVESCU / 3, data set present.",
                message("C_STORE_RQ", p)))

    p = dimse_primitives.C_STORE()
    p.MessageIDBeingRespondedTo = 7
    p.AffectedSOPClassUID = CT_IMAGE_STORAGE
    p.AffectedSOPInstanceUID = INSTANCE
    p.Status = 0xB000
    out.append(("cStoreResponse",
                "C-STORE-RSP: responding to 7, CT Image Storage, instance " + INSTANCE
                + ", status 0xB000 (coercion of data elements).",
                message("C_STORE_RSP", p)))

    p = dimse_primitives.C_STORE()
    p.MessageIDBeingRespondedTo = 8
    p.AffectedSOPClassUID = CT_IMAGE_STORAGE
    p.AffectedSOPInstanceUID = INSTANCE
    p.Status = 0xA900
    p.OffendingElement = [0x00100010, 0x00100020]
    p.ErrorComment = "Patient mismatch"
    out.append(("cStoreFailureResponse",
                "C-STORE-RSP: responding to 8, status 0xA900, offending elements (0010,0010) and "
                "(0010,0020), error comment \"Patient mismatch\".",
                message("C_STORE_RSP", p)))

    p = dimse_primitives.C_FIND()
    p.MessageID = 2
    p.AffectedSOPClassUID = STUDY_ROOT_FIND
    p.Priority = 0x0001
    p.Identifier = identifier()
    out.append(("cFindRequest",
                "C-FIND-RQ: message ID 2, Study Root Q/R FIND, priority HIGH, identifier present.",
                message("C_FIND_RQ", p)))

    p = dimse_primitives.C_FIND()
    p.MessageIDBeingRespondedTo = 2
    p.AffectedSOPClassUID = STUDY_ROOT_FIND
    p.Status = 0xFF00
    p.Identifier = identifier()
    out.append(("cFindPendingResponse",
                "C-FIND-RSP: responding to 2, Study Root Q/R FIND, status 0xFF00, identifier present.",
                message("C_FIND_RSP", p)))

    p = dimse_primitives.C_FIND()
    p.MessageIDBeingRespondedTo = 2
    p.AffectedSOPClassUID = STUDY_ROOT_FIND
    p.Status = 0x0000
    out.append(("cFindFinalResponse",
                "C-FIND-RSP: responding to 2, Study Root Q/R FIND, status 0x0000, no identifier.",
                message("C_FIND_RSP", p)))

    p = dimse_primitives.C_GET()
    p.MessageID = 4
    p.AffectedSOPClassUID = STUDY_ROOT_GET
    p.Priority = 0x0000
    p.Identifier = identifier()
    out.append(("cGetRequest",
                "C-GET-RQ: message ID 4, Study Root Q/R GET, priority MEDIUM, identifier present.",
                message("C_GET_RQ", p)))

    p = dimse_primitives.C_GET()
    p.MessageIDBeingRespondedTo = 4
    p.AffectedSOPClassUID = STUDY_ROOT_GET
    p.Status = 0xFF00
    p.NumberOfRemainingSuboperations = 9
    p.NumberOfCompletedSuboperations = 1
    p.NumberOfFailedSuboperations = 0
    p.NumberOfWarningSuboperations = 0
    out.append(("cGetPendingResponse",
                "C-GET-RSP: responding to 4, Study Root Q/R GET, status 0xFF00, remaining 9, completed 1, "
                "failed 0, warning 0, no identifier.",
                message("C_GET_RSP", p)))

    p = dimse_primitives.C_MOVE()
    p.MessageID = 5
    p.AffectedSOPClassUID = STUDY_ROOT_MOVE
    p.Priority = 0x0000
    p.MoveDestination = "STORESCP"
    p.Identifier = identifier()
    out.append(("cMoveRequest",
                "C-MOVE-RQ: message ID 5, Study Root Q/R MOVE, priority MEDIUM, destination STORESCP, "
                "identifier present.",
                message("C_MOVE_RQ", p)))

    p = dimse_primitives.C_MOVE()
    p.MessageIDBeingRespondedTo = 5
    p.AffectedSOPClassUID = STUDY_ROOT_MOVE
    p.Status = 0xB000
    p.NumberOfCompletedSuboperations = 8
    p.NumberOfFailedSuboperations = 2
    p.NumberOfWarningSuboperations = 0
    p.Identifier = identifier()
    out.append(("cMoveWarningResponse",
                "C-MOVE-RSP: responding to 5, Study Root Q/R MOVE, status 0xB000, completed 8, failed 2, "
                "warning 0 (no remaining count), identifier present.",
                message("C_MOVE_RSP", p)))

    p = dimse_primitives.C_CANCEL()
    p.MessageIDBeingRespondedTo = 2
    out.append(("cCancelRequest", "C-CANCEL-RQ: responding to 2, no data set.",
                message("C_CANCEL_RQ", p)))

    p = dimse_primitives.N_EVENT_REPORT()
    p.MessageID = 11
    p.AffectedSOPClassUID = "1.2.840.10008.1.20.1"
    p.AffectedSOPInstanceUID = "1.2.840.10008.1.20.1.1"
    p.EventTypeID = 1
    p.EventInformation = identifier()
    out.append(("nEventReportRequest",
                "N-EVENT-REPORT-RQ: message ID 11, Storage Commitment Push Model, event type 1, "
                "event information present (not a DIMSE-C message: decodes as unknown).",
                message("N_EVENT_REPORT_RQ", p)))
    return out


def swift_hex(data: bytes) -> str:
    return data.hex().upper()


def element_lines(msg) -> list[str]:
    """One Swift array element per data element: header and value in hex, with a comment
    naming the element and its value. Their concatenation is the encoded command set."""
    lines = []
    for elem in msg.command_set:
        single = Dataset()
        single.add(elem)
        data = encode(single, True, True)
        header, value = swift_hex(data[:8]), swift_hex(data[8:])
        shown = elem.value
        if isinstance(shown, int):
            shown = f"{shown} (0x{shown:04X})"
        elif isinstance(shown, list):
            shown = ", ".join(f"({t >> 16:04X},{t & 0xFFFF:04X})" for t in shown)
        lines.append(f"        // ({elem.tag.group:04X},{elem.tag.elem:04X}) {elem.keyword}: {shown}")
        lines.append(f'        "{header}" + "{value}",')
    encoded = "".join(l.split('"')[1] + l.split('"')[3] for l in lines if l.lstrip().startswith('"'))
    assert encoded == swift_hex(command_bytes(msg))
    return lines


def main() -> None:
    lines = [
        f"// Generated by scripts/dimse-fixtures.py from pynetdicom {pynetdicom.__version__} "
        f"and pydicom {pydicom.__version__} — do not edit.",
        "// Regenerate with: python3 scripts/dimse-fixtures.py",
        "",
        "/// Command sets and PDVs as pynetdicom encodes them (see the script's docstring).",
        "enum DIMSEGolden {",
    ]
    messages = fixtures()
    for name, doc, msg in messages:
        lines.extend(textwrap.wrap(doc, 112, initial_indent="    /// ", subsequent_indent="    /// "))
        lines.append(f"    static let {name}: [String] = [")
        lines.extend(element_lines(msg))
        lines.append("    ]")
    ident = identifier().getvalue()
    lines.append("    /// The identifier/data set the messages above carry: (0008,0052) STUDY, (0010,0020) PAT-1.")
    lines.append(f"    static let identifier = \"{swift_hex(ident)}\"")

    # Fragments: the C-STORE-RQ above with its data set, as pynetdicom splits it for a
    # maximum PDU length of 16 (10-byte fragments) on presentation context 3.
    store = dict((name, msg) for name, _, msg in messages)["cStoreRequest"]
    store.data_set = identifier()
    pdvs = []
    for pdata in store.encode_msg(3, 16):
        for context_id, value in pdata.presentation_data_value_list:
            pdvs.append((context_id, value))
    lines.append("    /// The C-STORE-RQ above with `identifier` as its data set, as pynetdicom's")
    lines.append("    /// `encode_msg(3, 16)` fragments it: (context ID, message control header + fragment).")
    lines.append("    static let cStoreRequestFragments16: [(contextID: UInt8, pdv: String)] = [")
    for context_id, value in pdvs:
        lines.append(f"        ({context_id}, \"{swift_hex(value)}\"),")
    lines.append("    ]")
    lines.append("}")
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT} ({len(messages)} command sets, {len(pdvs)} PDVs)")


if __name__ == "__main__":
    main()
