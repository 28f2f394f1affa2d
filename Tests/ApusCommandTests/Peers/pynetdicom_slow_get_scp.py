#!/usr/bin/env python3
"""A slow C-GET SCP on pynetdicom, for cancelling `apus get` half-way.

    pynetdicom_slow_get_scp.py PORT COUNT

Study Root C-GET of any identifier: COUNT small CT instances, one every 0.3 s, each sent as a
C-STORE sub-operation on the requestor's association. A C-CANCEL-RQ stops it before the next
one (final status FE00) when it names the C-GET's message ID, and "cancelled after N" is
printed.
Runs until terminated, its parent process ends, or five minutes pass.
"""
import os
import signal
import sys
import threading
import time

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, CTImageStorage
from pynetdicom import AE, evt
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelGet

STUDY = "2.25.27182818284590452353602874"


def exit_with_parent() -> None:
    """The test process may block signals, and its children inherit the mask: unblock SIGTERM so
    that the test can stop us, and stop on our own when the test process is gone."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    started = time.monotonic()

    def watch() -> None:
        while os.getppid() == parent and time.monotonic() - started < 300:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def instance(index: int) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = f"{STUDY}.{index + 1}"
    ds.StudyInstanceUID = STUDY
    ds.SeriesInstanceUID = f"{STUDY}.0"
    ds.PatientName = "Slow^Get"
    ds.PatientID = "SLOW"
    ds.Modality = "CT"
    ds.InstanceNumber = index + 1
    return ds


def main() -> int:
    port, count = int(sys.argv[1]), int(sys.argv[2])
    exit_with_parent()

    def on_get(event):
        yield count
        for index in range(count):
            if event.is_cancelled:
                print("cancelled after", index, flush=True)
                yield (0xFE00, None)
                return
            time.sleep(0.3)
            yield (0xFF00, instance(index))

    ae = AE(ae_title="SLOWGET")
    ae.add_supported_context(StudyRootQueryRetrieveInformationModelGet)
    ae.add_supported_context(CTImageStorage, ExplicitVRLittleEndian, scu_role=True, scp_role=True)
    print("listening", flush=True)
    ae.start_server(
        ("127.0.0.1", port), block=True, evt_handlers=[(evt.EVT_C_GET, on_get)]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
