/// The media type of a frame or of bulk pixel data in a transfer syntax (PS3.18 Table 8.7.3-2
/// and 8.7.4): compressed bitstreams in their own image type, everything else, and uncompressed
/// data, as `application/octet-stream` with the `transfer-syntax` parameter.
enum PixelDataMediaType {
    static func mediaType(transferSyntax uid: String, encapsulated: Bool) -> String {
        guard encapsulated else { return "application/octet-stream" }
        switch uid {
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70":
            return "image/jpeg"
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81":
            return "image/jls"
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91":
            return "image/jp2"
        case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93":
            return "image/jpx"
        case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203":
            return "image/jphc"
        case "1.2.840.10008.1.2.5":
            return "image/dicom-rle"
        default:
            return "application/octet-stream"
        }
    }

    /// The Content-Type of one part: the media type with the syntax it is in.
    static func contentType(transferSyntax uid: String, encapsulated: Bool) -> String {
        "\(mediaType(transferSyntax: uid, encapsulated: encapsulated)); transfer-syntax=\(uid)"
    }
}
