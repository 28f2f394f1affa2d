"""C-GET that cancels itself: sends C-CANCEL-RQ while answering the first C-STORE-RQ.

Usage: pynetdicom_get_cancel.py PORT [debug]
Prints the final C-GET-RSP as "status completed remaining failed" (hex status).
"""
import sys

from pydicom.dataset import Dataset
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import (
    CTImageStorage,
    MRImageStorage,
    RTPlanStorage,
    StudyRootQueryRetrieveInformationModelGet,
)

port = int(sys.argv[1])
ae = AE(ae_title="PYGET")
if len(sys.argv) > 2:
    from pynetdicom import debug_logger
    debug_logger()
ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
roles = []
for storage in (CTImageStorage, MRImageStorage, RTPlanStorage):
    ae.add_requested_context(storage)
    roles.append(build_role(storage, scp_role=True))

MESSAGE_ID = 7
state = {"cancelled": False}


def on_store(event):
    print("store", event.request.AffectedSOPClassUID, event.context.transfer_syntax, flush=True)
    if not state["cancelled"]:
        state["cancelled"] = True
        get_context = next(
            c.context_id
            for c in event.assoc.accepted_contexts
            if c.abstract_syntax == StudyRootQueryRetrieveInformationModelGet
        )
        # Sent before this C-STORE-RSP: the SCP sees the cancel before it would start the next.
        event.assoc.send_c_cancel(MESSAGE_ID, get_context)
    return 0x0000


assoc = ae.associate(
    "127.0.0.1", port, ae_title="APUS", ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, on_store)]
)
if not assoc.is_established:
    sys.exit("association failed")
identifier = Dataset()
identifier.QueryRetrieveLevel = "STUDY"
identifier.StudyInstanceUID = ""
final = None
for status, _ in assoc.send_c_get(identifier, StudyRootQueryRetrieveInformationModelGet, msg_id=MESSAGE_ID):
    if status:
        print("rsp %04X" % status.Status, flush=True)
        final = status
assoc.release()
print(
    "%04X %s %s %s"
    % (
        final.Status,
        final.get("NumberOfCompletedSuboperations"),
        final.get("NumberOfRemainingSuboperations"),
        final.get("NumberOfFailedSuboperations"),
    )
)
