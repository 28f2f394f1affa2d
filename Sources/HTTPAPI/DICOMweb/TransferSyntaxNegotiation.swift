/// Which Accept entries a WADO-RS response can honour without transcoding (PS3.18 8.7.3):
/// one whose media type covers the response's multipart type, whose `type` covers the parts'
/// media type, and whose `transfer-syntax` is absent, `*`, or the one every part is stored
/// in. No Accept header at all takes what is stored.
struct TransferSyntaxNegotiation: Sendable {
    /// The parts' media type: `application/dicom`, `application/octet-stream`, `image/jpeg`…
    var partType: String
    /// Other part types an entry may name and still get the stored bytes: for frames and
    /// bulk data, `application/octet-stream` (bytes as stored, labelled with their syntax).
    var alsoAcceptedPartTypes: Set<String> = []
    /// The transfer syntaxes of what would be sent.
    var stored: Set<String>

    /// nil when acceptable, else the reason the response is 406.
    func refusal(accept: String?) -> String? {
        guard let accept, !accept.trimmingSpaces().isEmpty else { return nil }
        var reasons: [String] = []
        for range in MediaRange.parseAccept(accept) {
            let multipart = range.covers("multipart/related")
            let bare = range.mediaType == partType || alsoAcceptedPartTypes.contains(range.mediaType)
            guard multipart || bare else {
                reasons.append("\(range.mediaType) is not offered")
                continue
            }
            if multipart, range.mediaType != "*/*", let type = range.partType, type != "*/*", type != partType,
                !alsoAcceptedPartTypes.contains(type)
            {
                reasons.append("parts of type \(type) are not offered (the content is \(partType))")
                continue
            }
            if let syntax = range.transferSyntax, syntax != "*", stored != [syntax] {
                reasons.append(
                    "transfer syntax \(syntax) is not available: stored as \(stored.sorted().joined(separator: ", ")), "
                        + "and transcoding is not supported yet (ask for transfer-syntax=*)")
                continue
            }
            return nil
        }
        return "not acceptable: " + (reasons.isEmpty ? "no usable Accept entry" : reasons.joined(separator: "; "))
    }
}
