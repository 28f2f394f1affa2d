#!/usr/bin/env python3
"""Writes the studies the browser tests use, with pydicom, uncompressed, with known pixels.

    make_ui_studies.py OUT

OUT/archive/  stored before the browser opens the UI (C-STORE):
  DOE^JOHN   CT  2020-03-14  "CT CHEST"    series 1 (5 slices) and series 2 (3 slices)
  DOE^ANNA   CT  2019-07-01  "CT HEAD"     series 1 (4 slices)
  ROE^JANE   MR  2020-11-30  "MR KNEE"     series 1 (3 slices, 8-bit)
OUT/upload/   sent through the page's upload (STOW-RS):
  three slices of SMITH^UPLOAD, one slice already in the archive, one file that is not DICOM.
OUT/zip/upload.zip   sent through the page's upload too (POST /tools/import-zip), deflated:
  two slices of ZIP^UPLOAD in a folder, one slice already in the archive, one file that is not DICOM.
Pixels: stored value = 30 * column + 10 * (instance number) + 100, rescale intercept -1024,
window 40/400 (so a change of window changes what the canvas shows).
"""
import os
import sys
import zipfile

import struct
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, CTImageStorage, MRImageStorage

ROOT = "2.25.31415926535897932384626"
SIZE = 64


def instance(patient, study, series, number, modality="CT", bits=16):
    ds = Dataset()
    ds.SOPClassUID = CTImageStorage if modality == "CT" else MRImageStorage
    ds.SOPInstanceUID = f"{ROOT}.{study['n']}.{series['number']}.{number}"
    ds.StudyInstanceUID = f"{ROOT}.{study['n']}"
    ds.SeriesInstanceUID = f"{ROOT}.{study['n']}.{series['number']}"
    ds.PatientName = patient["name"]
    ds.PatientID = patient["id"]
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyDate = study["date"]
    ds.StudyTime = "101500"
    ds.StudyDescription = study["description"]
    ds.AccessionNumber = study["accession"]
    ds.StudyID = str(study["n"])
    ds.ReferringPhysicianName = ""
    ds.Modality = modality
    ds.SeriesNumber = series["number"]
    ds.SeriesDescription = series["description"]
    ds.InstanceNumber = number
    ds.ImagePositionPatient = [0, 0, number * 2.5]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = SIZE
    ds.Columns = SIZE
    columns = [column for _ in range(SIZE) for column in range(SIZE)]
    if bits == 16:
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.WindowCenter = 40
        ds.WindowWidth = 400
        ds.PixelData = struct.pack(f"<{SIZE * SIZE}H", *(30 * c + 10 * number + 100 for c in columns))
    else:
        ds.BitsAllocated = 8
        ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        ds.PixelData = bytes(3 * c + 10 * number for c in columns)
    seq = Dataset()
    seq.CodeValue = "T-D3000"
    seq.CodingSchemeDesignator = "SRT"
    seq.CodeMeaning = "Chest"
    ds.AnatomicRegionSequence = [seq]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    return ds


def write(ds, folder, name):
    os.makedirs(folder, exist_ok=True)
    ds.save_as(os.path.join(folder, name), enforce_file_format=True)


def main(out):
    john = {"name": "DOE^JOHN", "id": "PID-1001"}
    anna = {"name": "DOE^ANNA", "id": "PID-1002"}
    jane = {"name": "ROE^JANE", "id": "PID-2001"}
    smith = {"name": "SMITH^UPLOAD", "id": "PID-3001"}
    chest = {"n": 1, "date": "20200314", "description": "CT CHEST", "accession": "ACC-0001"}
    head = {"n": 2, "date": "20190701", "description": "CT HEAD", "accession": "ACC-0002"}
    knee = {"n": 3, "date": "20201130", "description": "MR KNEE", "accession": "ACC-0003"}
    upload = {"n": 4, "date": "20210105", "description": "CT UPLOADED", "accession": "ACC-0004"}
    archive = os.path.join(out, "archive")
    for patient, study, series, count, modality, bits in [
        (john, chest, {"number": 1, "description": "AXIAL 2.5"}, 5, "CT", 16),
        (john, chest, {"number": 2, "description": "CORONAL"}, 3, "CT", 16),
        (anna, head, {"number": 1, "description": "BRAIN"}, 4, "CT", 16),
        (jane, knee, {"number": 1, "description": "T1 SAG"}, 3, "MR", 8),
    ]:
        for number in range(1, count + 1):
            write(instance(patient, study, series, number, modality, bits), archive,
                  f"s{study['n']}-{series['number']}-{number}.dcm")
    folder = os.path.join(out, "upload")
    for number in range(1, 4):
        write(instance(smith, upload, {"number": 1, "description": "UPLOADED"}, number), folder, f"up-{number}.dcm")
    write(instance(john, chest, {"number": 1, "description": "AXIAL 2.5"}, 1), folder, "again-s1-1-1.dcm")
    with open(os.path.join(folder, "notes.txt"), "w") as handle:
        handle.write("not a DICOM file\n")
    zipped = {"name": "ZIP^UPLOAD", "id": "PID-4001"}
    knees = {"n": 5, "date": "20220202", "description": "CT ZIPPED", "accession": "ACC-0005"}
    staging = os.path.join(out, "zip-staging")
    for number in range(1, 3):
        write(instance(zipped, knees, {"number": 1, "description": "ZIPPED"}, number), staging, f"z-{number}.dcm")
    os.makedirs(os.path.join(out, "zip"), exist_ok=True)
    with zipfile.ZipFile(os.path.join(out, "zip", "upload.zip"), "w", zipfile.ZIP_DEFLATED) as archive_file:
        for number in range(1, 3):
            archive_file.write(os.path.join(staging, f"z-{number}.dcm"), f"study/z-{number}.dcm")
        archive_file.write(os.path.join(folder, "again-s1-1-1.dcm"), "study/again.dcm")
        archive_file.writestr("readme.txt", "not a DICOM file\n")


if __name__ == "__main__":
    main(sys.argv[1])
