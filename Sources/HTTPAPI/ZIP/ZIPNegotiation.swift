import Archive

/// `application/zip` for WADO-RS Retrieve Study, Series and Instance (PS3.18 §10.4, the zip
/// payload of Supplement 211): every instance a PS3.10 file with the `.dcm` extension in one
/// ZIP archive, offered when it is the client's first choice among what this server can
/// send. A `transfer-syntax` parameter is honoured like the multipart one: `*` or the syntax
/// every instance is stored in, since nothing is transcoded.
enum ZIPNegotiation {
    /// The Accept entry asking for a ZIP archive, when it comes before any multipart entry.
    static func requested(accept: String?) -> MediaRange? {
        guard let accept else { return nil }
        for range in MediaRange.parseAccept(accept) {
            if range.mediaType == "application/zip" { return range }
            if range.covers("multipart/related") || range.mediaType == "application/dicom" { return nil }
        }
        return nil
    }

    /// nil when the archive can be sent, else why it is 406.
    static func refusal(_ range: MediaRange, stored: Set<String>) -> String? {
        guard let syntax = range.transferSyntax, syntax != "*", stored != [syntax] else { return nil }
        return "transfer syntax \(syntax) is not available: stored as \(stored.sorted().joined(separator: ", ")), "
            + "and transcoding is not supported yet (ask for transfer-syntax=*)"
    }
}

extension RetrieveTarget {
    /// What a browser saves the archive as: the UID of what was asked for.
    var zipFilename: String { (instance ?? series ?? study) + ".zip" }
}
