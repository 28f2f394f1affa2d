// Tests for DICOMNetwork live here.
