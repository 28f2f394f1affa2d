#!/usr/bin/env python3
"""Writes Tests/DICOMNetworkTests/DIMSEGoldenFixtures.swift: DIMSE command sets and PDV
fragments exactly as pynetdicom and DCMTK encode them, for the golden-byte tests of the
DIMSE layer.

Run from the package root:  python3 scripts/dimse-fixtures.py
Needs pynetdicom (3.0.4 with pydicom 3.0.2 when the committed fixture was made) and
DCMTK's command line tools in /usr/bin (3.6.7, Debian 12, when it was made; called by
full path because pynetdicom's apps of the same names may come first on PATH).

Each command set is built as a pynetdicom DIMSE primitive (pynetdicom.dimse_primitives),
turned into a DIMSE message with `primitive_to_message` (which sets Command Field,
Command Data Set Type and Command Group Length) and encoded with
`pynetdicom.dsutils.encode(command_set, is_implicit_vr=True, is_little_endian=True)`,
as pynetdicom does before sending (PS3.7 §6.3.1: command sets are always Implicit VR
Little Endian). The fragment fixtures are the presentation data values that
`DIMSEMessage.encode_msg(context_id, max_pdu_length)` yields: message control header
byte, then the fragment.

The DCMTK command sets are captured on the wire, on local TCP ports: DCMTK's echoscu,
storescu, findscu (also with --cancel 1), getscu and movescu talk to a pynetdicom SCP, and
pynetdicom's SCU talks to DCMTK's dcmqrscp; a pynetdicom EVT_DATA_RECV handler records
the command fragments of every P-DATA-TF PDU received, and the fragments of each command
set are joined.
"""

import os
import socket
import subprocess
import tempfile
import textwrap
import time
from io import BytesIO
from pathlib import Path

import pydicom
import pynetdicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ImplicitVRLittleEndian
from pynetdicom import AE, AllStoragePresentationContexts, build_role, dimse_messages, dimse_primitives, evt
from pynetdicom.dsutils import decode, encode
from pynetdicom.sop_class import (
    CTImageStorage,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

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


def element_lines(raw: bytes) -> list[str]:
    """One Swift array element per data element of an Implicit VR Little Endian command
    set, header and value in hex, after a comment naming the element and its value. Their
    concatenation is `raw`, byte for byte."""
    decoded = decode(BytesIO(raw), True, True)
    lines, offset = [], 0
    while offset < len(raw):
        group = int.from_bytes(raw[offset:offset + 2], "little")
        number = int.from_bytes(raw[offset + 2:offset + 4], "little")
        length = int.from_bytes(raw[offset + 4:offset + 8], "little")
        header, value = raw[offset:offset + 8], raw[offset + 8:offset + 8 + length]
        offset += 8 + length
        elem = decoded[(group << 16) | number]
        shown = elem.value
        if isinstance(shown, int):
            shown = f"{shown} (0x{shown:04X})"
        elif isinstance(shown, list):
            shown = ", ".join(f"({t >> 16:04X},{t & 0xFFFF:04X})" for t in shown)
        lines.append(f"        // ({group:04X},{number:04X}) {elem.keyword}: {shown}")
        lines.append(f'        "{swift_hex(header)}" + "{swift_hex(value)}",')
    assert offset == len(raw)
    return lines


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """Command sets received by a pynetdicom AE, from EVT_DATA_RECV (raw P-DATA-TF PDUs)."""

    def __init__(self):
        self.commands: list[bytes] = []
        self.partial = b""

    def __call__(self, event) -> None:
        data = event.data
        if data[0] != 0x04:  # P-DATA-TF
            return
        offset = 6
        while offset < len(data):
            length = int.from_bytes(data[offset:offset + 4], "big")
            header, fragment = data[offset + 5], data[offset + 6:offset + 4 + length]
            offset += 4 + length
            if header & 0x01:
                self.partial += fragment
                if header & 0x02:
                    self.commands.append(self.partial)
                    self.partial = b""

    def take(self) -> list[bytes]:
        commands, self.commands = self.commands, []
        return commands


def ct_instance(directory: str) -> str:
    ds = Dataset()
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = INSTANCE
    ds.PatientID = "PAT-1"
    ds.PatientName = "Doe^Jane"
    ds.StudyInstanceUID = INSTANCE + ".100"
    ds.SeriesInstanceUID = INSTANCE + ".200"
    ds.Modality = "CT"
    ds.StudyDate = "20240101"
    ds.StudyID = "1"
    ds.AccessionNumber = "A1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = INSTANCE
    path = os.path.join(directory, "ct.dcm")
    ds.save_as(path, enforce_file_format=True)
    return path


def dcmtk_requests(path: str) -> list[tuple[str, str, bytes]]:
    """DCMTK's SCUs against a pynetdicom SCP."""
    recorder = Recorder()

    def on_find(event):
        for number in range(3):
            if event.is_cancelled:
                yield 0xFE00, None
                return
            match = Dataset()
            match.QueryRetrieveLevel = "STUDY"
            match.StudyID = str(number)
            yield 0xFF00, match
            time.sleep(0.2)

    ae = AE(ae_title="PYSCP")
    ae.supported_contexts = AllStoragePresentationContexts
    for sop_class in (Verification, StudyRootQueryRetrieveInformationModelFind,
                      StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove):
        ae.add_supported_context(sop_class)
    port = free_port()
    server = ae.start_server(
        ("127.0.0.1", port), block=False,
        evt_handlers=[(evt.EVT_DATA_RECV, recorder), (evt.EVT_C_STORE, lambda event: 0x0000),
                      (evt.EVT_C_FIND, on_find), (evt.EVT_C_ECHO, lambda event: 0x0000)])
    keys = ["-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=PAT-1"]
    target = ["-aec", "PYSCP", "127.0.0.1", str(port)]
    runs = [
        ("dcmtkEchoRequest", "echoscu", ["/usr/bin/echoscu", "-aet", "ECHOSCU"] + target),
        ("dcmtkStoreRequest", "storescu ct.dcm", ["/usr/bin/storescu", "-aet", "STORESCU"] + target + [path]),
        ("dcmtkFindRequest", "findscu -S",
         ["/usr/bin/findscu", "-S", "-aet", "FINDSCU"] + keys + target),
        ("dcmtkCancel", "findscu -S --cancel 1",
         ["/usr/bin/findscu", "-S", "--cancel", "1", "-aet", "FINDSCU"] + keys + target),
        ("dcmtkGetRequest", "getscu -S", ["/usr/bin/getscu", "-S", "-aet", "GETSCU"] + keys + target),
        ("dcmtkMoveRequest", "movescu -S -aem STORESCP",
         ["/usr/bin/movescu", "-S", "-aet", "MOVESCU", "-aem", "STORESCP"] + keys + target),
    ]
    captured = []
    try:
        for name, what, command in runs:
            subprocess.run(command, capture_output=True, timeout=60)
            time.sleep(0.3)
            commands = recorder.take()
            if name == "dcmtkCancel":
                # The C-FIND-RQ, then the C-CANCEL-RQ.
                captured.append(("dcmtkCancelRequest", f"DCMTK {what}: the C-CANCEL-RQ after the first match.",
                                 commands[-1]))
            else:
                captured.append((name, f"DCMTK {what}: the request.", commands[0]))
    finally:
        server.shutdown()
    return captured


def dcmtk_responses(path: str, directory: str) -> list[tuple[str, str, bytes]]:
    """pynetdicom's SCU against DCMTK's dcmqrscp."""
    database = os.path.join(directory, "db")
    os.mkdir(database)
    port = free_port()
    config = os.path.join(directory, "dcmqrscp.cfg")
    Path(config).write_text(
        f"NetworkTCPPort = {port}\nMaxPDUSize = 16384\nMaxAssociations = 16\n"
        "HostTable BEGIN\nHostTable END\nVendorTable BEGIN\nVendorTable END\n"
        f"AETable BEGIN\nQRSCP {database} RW (10, 1024mb) ANY\nAETable END\n")
    server = subprocess.Popen(["/usr/bin/dcmqrscp", "-c", config], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(1)
    recorder = Recorder()
    ae = AE(ae_title="PYSCU")
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage, ImplicitVRLittleEndian)
    for sop_class in (StudyRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelGet,
                      StudyRootQueryRetrieveInformationModelMove):
        ae.add_requested_context(sop_class, ImplicitVRLittleEndian)
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.PatientID = "PAT-1"
    query.StudyInstanceUID = ""

    def run(action, roles=()):
        assoc = ae.associate("127.0.0.1", port, ae_title="QRSCP", ext_neg=list(roles),
                             evt_handlers=[(evt.EVT_DATA_RECV, recorder),
                                           (evt.EVT_C_STORE, lambda event: 0x0000)])
        assert assoc.is_established, "dcmqrscp refused the association"
        action(assoc)
        assoc.release()
        time.sleep(0.3)
        return recorder.take()

    try:
        echo = run(lambda a: a.send_c_echo(msg_id=1))
        store = run(lambda a: a.send_c_store(path, msg_id=7))
        find = run(lambda a: list(a.send_c_find(query, StudyRootQueryRetrieveInformationModelFind, msg_id=2)))
        get = run(lambda a: list(a.send_c_get(query, StudyRootQueryRetrieveInformationModelGet, msg_id=4)),
                  [build_role(CTImageStorage, scp_role=True)])
        move = run(lambda a: list(a.send_c_move(query, "NOWHERE", StudyRootQueryRetrieveInformationModelMove,
                                                msg_id=5)))
    finally:
        server.terminate()
        server.wait()
    return [
        ("dcmtkEchoResponse", "DCMTK dcmqrscp: C-ECHO-RSP to message 1.", echo[0]),
        ("dcmtkStoreResponse", "DCMTK dcmqrscp: C-STORE-RSP to message 7.", store[0]),
        ("dcmtkFindPendingResponse", "DCMTK dcmqrscp: C-FIND-RSP to message 2 with the stored study.", find[0]),
        ("dcmtkFindFinalResponse", "DCMTK dcmqrscp: final C-FIND-RSP to message 2.", find[-1]),
        ("dcmtkGetStoreRequest", "DCMTK dcmqrscp: the C-STORE-RQ sub-operation of C-GET message 4.", get[0]),
        ("dcmtkGetFinalResponse", "DCMTK dcmqrscp: final C-GET-RSP to message 4.", get[-1]),
        ("dcmtkMoveFailureResponse", "DCMTK dcmqrscp: C-MOVE-RSP to message 5, destination NOWHERE unknown.",
         move[-1]),
    ]


def dcmtk_version() -> str:
    output = subprocess.run(["/usr/bin/echoscu", "--version"], capture_output=True, text=True).stdout
    return output.split()[2].lstrip("v") if output.startswith("$dcmtk") else "unknown"


def main() -> None:
    lines = [
        f"// Generated by scripts/dimse-fixtures.py from pynetdicom {pynetdicom.__version__}, "
        f"pydicom {pydicom.__version__} and DCMTK {dcmtk_version()} — do not edit.",
        "// Regenerate with: python3 scripts/dimse-fixtures.py",
        "",
        "/// Command sets and PDVs as pynetdicom encodes them (see the script's docstring).",
        "enum DIMSEGolden {",
    ]
    messages = fixtures()
    for name, doc, msg in messages:
        lines.extend(textwrap.wrap(doc, 112, initial_indent="    /// ", subsequent_indent="    /// "))
        lines.append(f"    static let {name}: [String] = [")
        lines.extend(element_lines(command_bytes(msg)))
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
    with tempfile.TemporaryDirectory() as directory:
        path = ct_instance(directory)
        captured = dcmtk_requests(path) + dcmtk_responses(path, directory)
    lines.append("")
    lines.append("    // Captured from DCMTK on the wire (see the script's docstring).")
    for name, doc, raw in captured:
        lines.extend(textwrap.wrap(doc, 112, initial_indent="    /// ", subsequent_indent="    /// "))
        lines.append(f"    static let {name}: [String] = [")
        lines.extend(element_lines(raw))
        lines.append("    ]")
    lines.append("}")
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT} ({len(messages)} + {len(captured)} command sets, {len(pdvs)} PDVs)")


if __name__ == "__main__":
    main()
