#!/usr/bin/env python3
"""A pynetdicom SCU that the interop tests point at Apus's DICOMServer.

    pynetdicom_scu.py HOST PORT CALLED_AE echo
    pynetdicom_scu.py HOST PORT CALLED_AE store FILE...
    pynetdicom_scu.py HOST PORT CALLED_AE find

Prints one line per operation ("echo 0x0000", "store FILE 0x0000", "find MATCHES 0x0000")
and exits 0 once the association was released; 2 when it was rejected or aborted.
Files are sent as they are on disk (STORE_SEND_CHUNKED_DATASET): the data set bytes after the
file meta information, never decoded and re-encoded, so the receiver can compare them.
"""
import sys

from pydicom.dataset import Dataset
from pydicom.filereader import dcmread
from pynetdicom import AE, _config
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind, Verification

_config.STORE_SEND_CHUNKED_DATASET = True


def main() -> int:
    host, port, called, command, *files = sys.argv[1:]
    ae = AE(ae_title="PYNETDICOM")
    # Generous: a loaded machine (a whole test run on two cores) can stall Python for seconds.
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    if command == "echo":
        ae.add_requested_context(Verification)
    elif command == "find":
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    elif command == "store":
        for path in files:
            meta = dcmread(path, stop_before_pixels=True).file_meta
            # One context per file, in the file's own transfer syntax only.
            ae.add_requested_context(meta.MediaStorageSOPClassUID, [meta.TransferSyntaxUID])
    assoc = ae.associate(host, int(port), ae_title=called)
    if not assoc.is_established:
        print("association", "rejected" if assoc.is_rejected else "aborted")
        return 2
    if command == "echo":
        status = assoc.send_c_echo()
        print("echo", f"0x{status.Status:04X}")
    elif command == "store":
        for path in files:
            status = assoc.send_c_store(path)
            print("store", path, f"0x{status.Status:04X}" if "Status" in status else "none")
    elif command == "find":
        query = Dataset()
        query.QueryRetrieveLevel = "STUDY"
        query.PatientName = ""
        matches = 0
        final = None
        for status, identifier in assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind):
            if status and status.Status in (0xFF00, 0xFF01):
                matches += 1
                print("match", identifier.PatientName)
            elif status:
                final = status.Status
        print("find", matches, f"0x{final:04X}" if final is not None else "none")
    assoc.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
