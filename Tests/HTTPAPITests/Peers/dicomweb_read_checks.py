"""Checks Apus's DICOMweb read side with dicomweb-client, the expectations computed with pydicom.

Usage: dicomweb_read_checks.py BASE_URL FILE...   (BASE_URL ends in /dicom-web; the files are
those the test stored). Prints one line per failed check and a summary; exits 1 on any failure.
"""
import fnmatch
import sys
from collections import defaultdict

import pydicom
from pydicom.encaps import generate_frames
from dicomweb_client.api import DICOMwebClient

base_url, paths = sys.argv[1], sys.argv[2:]
client = DICOMwebClient(url=base_url)
files = {path: pydicom.dcmread(path) for path in paths}
raw = {path: open(path, "rb").read() for path in paths}
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def values(results, tag):
    return {r[tag]["Value"][0] for r in results if tag in r and r[tag].get("Value")}


def instance_url(ds):
    return f"{base_url}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"


any_syntax = (("application/dicom", "*"),)


def raw_parts(url):
    """The parts of a WADO-RS response as bytes, through dicomweb-client's own session and
    multipart decoder (its public methods return parsed data sets, not the bytes)."""
    response = client._http_get(
        url, headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
    return list(client._decode_multipart_message(response, stream=False))


# QIDO-RS: every expectation from pydicom's reading of the files.
studies = {ds.StudyInstanceUID for ds in files.values()}
check(values(client.search_for_studies(), "0020000D") == studies, "all studies")
for pid in {str(ds.get("PatientID", "")) for ds in files.values()} - {""}:
    expected = {ds.StudyInstanceUID for ds in files.values() if str(ds.get("PatientID", "")) == pid}
    found = values(client.search_for_studies(search_filters={"PatientID": pid}), "0020000D")
    check(found == expected, f"PatientID={pid}: {found} != {expected}")
# The archive keeps one patient per Patient ID (and issuer), with the attributes of the first
# instance stored for it; the files come in the order they were stored.
patient_name = {}
for ds in files.values():
    key = (str(ds.get("PatientID", "")), str(ds.get("IssuerOfPatientID", "")))
    patient_name.setdefault(key, str(ds.get("PatientName", "")))


def stored_name(ds):
    return patient_name[(str(ds.get("PatientID", "")), str(ds.get("IssuerOfPatientID", "")))]


for name in {str(ds.get("PatientName", "")) for ds in files.values()} - {""}:
    pattern = name[:3] + "*"
    expected = {
        ds.StudyInstanceUID for ds in files.values() if fnmatch.fnmatchcase(stored_name(ds).upper(), pattern.upper())
    }
    found = values(client.search_for_studies(search_filters={"PatientName": pattern}), "0020000D")
    check(found == expected, f"PatientName={pattern}: {found} != {expected}")
for modality in {ds.Modality for ds in files.values()}:
    expected = {ds.SeriesInstanceUID for ds in files.values() if ds.Modality == modality}
    found = values(client.search_for_series(search_filters={"Modality": modality}), "0020000E")
    check(found == expected, f"Modality={modality}: {found} != {expected}")
dated = [ds for ds in files.values() if ds.get("StudyDate")]
for ds in dated:
    day = ds.StudyDate
    expected = {d.StudyInstanceUID for d in dated if d.StudyDate[:4] == day[:4]}
    found = values(client.search_for_studies(search_filters={"StudyDate": f"{day[:4]}0101-{day[:4]}1231"}), "0020000D")
    check(found == expected, f"StudyDate in {day[:4]}: {found} != {expected}")
by_study = defaultdict(set)
for ds in files.values():
    by_study[ds.StudyInstanceUID].add(ds.SOPInstanceUID)
for study, sops in by_study.items():
    found = values(client.search_for_instances(study_instance_uid=study), "00080018")
    check(found == sops, f"instances of {study}")
    urls = values(client.search_for_studies(search_filters={"StudyInstanceUID": study}), "00081190")
    check(urls == {f"{base_url}/studies/{study}"}, f"RetrieveURL of {study}: {urls}")

# WADO-RS: byte for byte, by instance and by study.
for path, ds in files.items():
    parts = raw_parts(instance_url(ds))
    check(parts == [raw[path]], f"instance bytes of {path}")
    retrieved = client.retrieve_instance(
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID, media_types=any_syntax)
    check(retrieved.SOPInstanceUID == ds.SOPInstanceUID, f"retrieve_instance {path}")
for study in by_study:
    parts = raw_parts(f"{base_url}/studies/{study}")
    expected = sorted(raw[p] for p, ds in files.items() if ds.StudyInstanceUID == study)
    check(sorted(parts) == expected, f"study bytes of {study}")


# Metadata: DICOM JSON, every value with its VR, PN as objects, bulk data URIs that resolve.
def element_at(ds, path):
    current = ds
    for index in range(0, len(path) - 1, 2):
        current = current[int(path[index], 16)].value[int(path[index + 1])]
    return current[int(path[-1], 16)]


def expected_frames(ds):
    count = int(ds.get("NumberOfFrames", 1) or 1)
    if ds.file_meta.TransferSyntaxUID.is_encapsulated:
        return list(generate_frames(ds.PixelData, number_of_frames=count))
    length = len(ds.PixelData) // count
    return [ds.PixelData[i * length:(i + 1) * length] for i in range(count)]


def walk(dataset_json, ds, path, prefix):
    for tag, attribute in dataset_json.items():
        check("vr" in attribute, f"{path}: {prefix}{tag} has no vr")
        vr = attribute.get("vr")
        if vr == "PN":
            for value in attribute.get("Value", []):
                check(value is None or (isinstance(value, dict) and "Alphabetic" in value),
                      f"{path}: {prefix}{tag} PN value {value!r}")
        if vr == "SQ":
            for index, item in enumerate(attribute.get("Value", [])):
                walk(item, ds, path, f"{prefix}{tag}/{index}/")
        if "BulkDataURI" in attribute:
            uri = attribute["BulkDataURI"]
            check(uri.startswith(instance_url(ds) + "/bulk/"), f"{path}: bulk URI {uri}")
            try:
                got = client.retrieve_bulkdata(uri)
            except Exception as error:  # a URI that does not resolve is a failed check
                check(False, f"{path}: bulk {uri}: {error.__class__.__name__}")
                continue
            element_path = uri.split("/bulk/", 1)[1].split("/")
            if element_path == ["7FE00010"] and ds.file_meta.TransferSyntaxUID.is_encapsulated:
                check(got == expected_frames(ds), f"{path}: encapsulated bulk pixel data")
            else:
                value = element_at(ds, element_path).value
                check(got == [value], f"{path}: bulk {uri} ({len(got[0]) if got else 0} vs {len(value)} bytes)")


for path, ds in files.items():
    metadata = client.retrieve_instance_metadata(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    check(metadata.get("00080018", {}).get("Value") == [ds.SOPInstanceUID], f"metadata of {path}")
    walk(metadata, ds, path, "")
for study, sops in by_study.items():
    metadata = client.retrieve_study_metadata(study)
    check({m["00080018"]["Value"][0] for m in metadata} == sops, f"study metadata of {study}")

# Frames: native slices and encapsulated fragments, against pydicom's reading.
for path, ds in files.items():
    if "PixelData" not in ds or int(ds.get("BitsAllocated", 8)) == 1:
        continue
    frames = expected_frames(ds)
    numbers = sorted({1, len(frames)})
    syntax = ds.file_meta.TransferSyntaxUID
    media = ("application/octet-stream", "*") if not syntax.is_encapsulated else None
    got = client.retrieve_instance_frames(
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID, numbers,
        media_types=(media,) if media else None)
    check(got == [frames[n - 1] for n in numbers], f"frames {numbers} of {path} ({syntax})")

for failure in failures:
    print("FAILED:", failure)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
