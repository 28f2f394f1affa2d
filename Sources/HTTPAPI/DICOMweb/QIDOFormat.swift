/// The representations of a QIDO-RS or metadata answer (PS3.18 8.7.5, 8.7.6): DICOM JSON
/// (the default) or DICOM XML, one data set per part of a `multipart/related` body.
enum DICOMwebFormat: Sendable, Equatable {
    case json
    case xml

    /// The first acceptable representation in the Accept header's order of preference; JSON
    /// when there is no Accept header.
    static func negotiate(accept: String?) throws(DICOMwebFormatError) -> DICOMwebFormat {
        guard let accept, !accept.trimmingSpaces().isEmpty else { return .json }
        for range in MediaRange.parseAccept(accept) {
            if range.covers("application/dicom+json") || range.mediaType == "application/json" { return .json }
            if range.mediaType == "application/dicom+xml" { return .xml }
            if range.mediaType == "multipart/related", range.partType == "application/dicom+xml" { return .xml }
        }
        throw DICOMwebFormatError(accept: accept)
    }
}

struct DICOMwebFormatError: Error, CustomStringConvertible {
    let accept: String

    var description: String {
        "none of the media types accepted (\(accept)) is available: application/dicom+json, or "
            + "multipart/related; type=\"application/dicom+xml\""
    }
}
