import DICOM

/// Swift Testing has a `Tag` of its own; in these tests a tag is a DICOM tag.
typealias Tag = DICOM.Tag
