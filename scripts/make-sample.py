#!/usr/bin/env python3
"""Writes Tests/DICOMTests/Fixtures/sample-ct.dcm: a small synthetic CT image (64x64, 16-bit)
with a sequence, a private block and a non-ASCII name, for the README's first command and tests.

Run: python3 scripts/make-sample.py   (needs pydicom; the output is committed)
"""
import os
import struct

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "DICOMTests", "Fixtures", "sample-ct.dcm")

meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
meta.MediaStorageSOPInstanceUID = "2.25.175872236033630680956661413000962451365.1.1.1"
meta.TransferSyntaxUID = ExplicitVRLittleEndian
meta.ImplementationClassUID = "2.25.237138374265433370257714404681321700116"
meta.ImplementationVersionName = "APUS_SAMPLE"

ds = Dataset()
ds.file_meta = meta
ds.SpecificCharacterSet = "ISO_IR 192"
ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
ds.SOPClassUID = meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.StudyDate = "20261125"
ds.StudyTime = "101500"
ds.AccessionNumber = "A1402"
ds.Modality = "CT"
ds.Manufacturer = "Apus synthetic"
ds.StudyDescription = "Thorax^Sample"
ds.PatientName = "Müller^Jürgen=ミュラー^ユルゲン"
ds.PatientID = "APUS-0001"
ds.IssuerOfPatientID = "APUS"
ds.PatientBirthDate = "19700101"
ds.PatientSex = "M"
ds.PatientAge = "056Y"
ds.SliceThickness = "1.25"
ds.KVP = "120"
ds.StudyInstanceUID = "2.25.175872236033630680956661413000962451365.1"
ds.SeriesInstanceUID = "2.25.175872236033630680956661413000962451365.1.1"
ds.StudyID = "1"
ds.SeriesNumber = "2"
ds.InstanceNumber = "1"
ds.ImagePositionPatient = ["-160.0", "-160.0", "-50.5"]
ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
ds.FrameOfReferenceUID = "2.25.175872236033630680956661413000962451365.2"
ref = Dataset()
ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
ref.ReferencedSOPInstanceUID = "2.25.175872236033630680956661413000962451365.1.1.0"
ds.ReferencedImageSequence = Sequence([ref])
ds.add_new(0x00090010, "LO", "APUS SAMPLE")
ds.add_new(0x00091001, "LO", "private value")
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME2"
ds.Rows = 64
ds.Columns = 64
ds.PixelSpacing = ["0.5", "0.5"]
ds.BitsAllocated = 16
ds.BitsStored = 12
ds.HighBit = 11
ds.PixelRepresentation = 0
ds.WindowCenter = "40"
ds.WindowWidth = "400"
ds.RescaleIntercept = "-1024"
ds.RescaleSlope = "1"
# A disc on a background: something recognisable when rendered.
pixels = bytearray()
for y in range(64):
    for x in range(64):
        inside = (x - 32) ** 2 + (y - 32) ** 2 < 24 ** 2
        pixels += struct.pack("<H", 1064 + (x * 7 + y * 3) % 50 if inside else 24)
ds.PixelData = bytes(pixels)
ds.save_as(out, enforce_file_format=True)
print(out)
