public import DICOM

/// What a service answers a request with: the status of the DIMSE response, and the error
/// comment and offending elements some failures carry (PS3.7 §9.1.1.1.9, Annex C).
public struct ServiceResult: Sendable, Equatable {
    public var status: DIMSEStatus
    /// Error Comment (0000,0902): at most 64 characters (LO) reach the peer.
    public var errorComment: String?
    /// Offending Element (0000,0901), for the failures that name elements.
    public var offendingElements: [Tag]

    public init(status: DIMSEStatus, errorComment: String? = nil, offendingElements: [Tag] = []) {
        self.status = status
        self.errorComment = errorComment
        self.offendingElements = offendingElements
    }

    public static let success = ServiceResult(status: .success)

    /// The error comment as it goes on the wire: an LO value holds 64 characters.
    var wireErrorComment: String? {
        errorComment.map { String($0.prefix(64)) }
    }

    /// A service that threw: refused for lack of resources, the error said in the comment.
    /// (A store that failed on disk or in the database is "out of resources" to the peer,
    /// which may retry; "cannot understand" would tell it the data set is at fault.)
    static func failure(_ error: any Error) -> ServiceResult {
        ServiceResult(status: .outOfResources, errorComment: String(describing: error))
    }
}
