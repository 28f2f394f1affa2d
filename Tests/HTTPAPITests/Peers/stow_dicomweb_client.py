"""STOW-RS with dicomweb-client (pip), as its users call it.

Usage: stow_dicomweb_client.py URL OUTDIR NAME...

Reads each NAME (a file of pydicom's test data, found with get_testdata_file) with pydicom and stores them all with DICOMwebClient.store_instances, with a
chunk size small enough that requests sends the body with Transfer-Encoding: chunked (the case
in which Orthanc lost data). dicomweb-client re-encodes each data set with pydicom.dcmwrite
before sending; the same encoding is written to OUTDIR/<n>.dcm so that the caller can compare
what was sent with what was stored, byte for byte. Prints one JSON object: the response data
set (DICOM JSON) and the files written.
"""
import json
import os
import sys
from io import BytesIO

import pydicom
from dicomweb_client.api import DICOMwebClient
from pydicom.data import get_testdata_file


def main():
    url, outdir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    paths = [get_testdata_file(name) for name in names]
    datasets, written = [], []
    for n, path in enumerate(paths):
        ds = pydicom.dcmread(path)
        with BytesIO() as b:
            pydicom.dcmwrite(b, ds)
            encoded = b.getvalue()
        out = os.path.join(outdir, f"{n}.dcm")
        with open(out, "wb") as f:
            f.write(encoded)
        datasets.append(ds)
        written.append({"path": out, "sop": str(ds.SOPInstanceUID)})
    client = DICOMwebClient(url=url, chunk_size=64 * 1024)
    result = client.store_instances(datasets=datasets)
    print(json.dumps({"response": result.to_json_dict(), "written": written}))


if __name__ == "__main__":
    main()
