#!/usr/bin/env python3
"""A pynetdicom SCP that Apus's DICOMClient is tested against.

    pynetdicom_scp.py PORT AE_TITLE OUTPUT_DIR

Verification; every storage SOP class in every transfer syntax, each received data set written
as it came (the raw P-DATA bytes) to OUTPUT_DIR/<SOP Instance UID>.dcmdata with its transfer
syntax UID in <SOP Instance UID>.ts; Study Root C-FIND answering three matches; User Identity
negotiation that takes user "apus" with passcode "secret" (and confirms it when asked) and
rejects any other identity.
Runs until terminated, its parent test process ends, or five minutes pass: a test run that
is killed must not leave it behind.
"""
import os
import signal
import sys
import threading
import time

from pydicom.dataset import Dataset
from pynetdicom import ALL_TRANSFER_SYNTAXES, AE, AllStoragePresentationContexts, evt
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind, Verification


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


def main() -> int:
    port, title, output = sys.argv[1], sys.argv[2], sys.argv[3]
    exit_with_parent()

    def on_store(event):
        uid = event.request.AffectedSOPInstanceUID
        with open(os.path.join(output, f"{uid}.dcmdata"), "wb") as out:
            out.write(event.request.DataSet.getvalue())
        with open(os.path.join(output, f"{uid}.ts"), "w") as out:
            out.write(str(event.context.transfer_syntax))
        return 0x0000

    def on_find(event):
        for index in range(3):
            match = Dataset()
            match.QueryRetrieveLevel = "STUDY"
            match.PatientName = f"Pynetdicom^{index}"
            match.StudyInstanceUID = f"1.2.3.{index + 1}"
            yield 0xFF00, match

    def on_user_identity(event, *args):
        # User "apus" with passcode "secret" only; the response names the user.
        if event.user_id_type == 2 and event.primary_field == b"apus" and event.secondary_field == b"secret":
            return True, b"welcome " + event.primary_field
        return False, None

    ae = AE(ae_title=title)
    ae.add_supported_context(Verification)
    ae.add_supported_context(StudyRootQueryRetrieveInformationModelFind)
    for context in AllStoragePresentationContexts:
        ae.add_supported_context(context.abstract_syntax, ALL_TRANSFER_SYNTAXES)
    handlers = [(evt.EVT_C_STORE, on_store), (evt.EVT_C_FIND, on_find), (evt.EVT_USER_ID, on_user_identity)]
    print("listening", flush=True)
    ae.start_server(("127.0.0.1", int(port)), block=True, evt_handlers=handlers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
