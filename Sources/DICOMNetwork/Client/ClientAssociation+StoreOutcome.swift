public import DICOM
public import NIOCore

/// What one C-STORE came to: the whole C-STORE-RSP (a tool reports the error comment with the
/// status) and how the data set travelled (its syntax, converted or not, and its length).
public struct StoreOutcome: Sendable, Equatable {
    public var status: DIMSEStatus
    /// Error Comment (0000,0902) of the response, if the peer gave one.
    public var errorComment: String?
    /// Offending Element (0000,0901) of the response.
    public var offendingElements: [Tag]
    /// The transfer syntax the data set was sent in.
    public var transferSyntax: UID
    /// Whether that is not the syntax the data set came in (native pixel data converted to an
    /// accepted uncompressed syntax).
    public var converted: Bool
    /// The length in bytes of the data set as sent.
    public var dataSetLength: Int

    public init(
        status: DIMSEStatus, errorComment: String? = nil, offendingElements: [Tag] = [], transferSyntax: UID,
        converted: Bool = false, dataSetLength: Int
    ) {
        self.status = status
        self.errorComment = errorComment
        self.offendingElements = offendingElements
        self.transferSyntax = transferSyntax
        self.converted = converted
        self.dataSetLength = dataSetLength
    }
}

extension ClientAssociation {
    /// C-STORE of a Part 10 file: the file's own transfer syntax when a context accepted it,
    /// else (for native pixel data) an accepted uncompressed one, encoded once; answering
    /// with the whole response. A failure status is returned, not thrown.
    /// A deflated data set of odd length is sent with a trailing null byte.
    public func storeOutcome(of file: DICOMFile, priority: DIMSEPriority = .medium) async throws -> StoreOutcome {
        let prepared = try prepare(file)
        let response = try await storeResponse(
            dataSet: prepared.item.dataSet, sopClass: prepared.item.sopClass, sopInstance: prepared.item.sopInstance,
            transferSyntax: prepared.item.transferSyntax, priority: priority)
        return prepared.outcome(response)
    }

    /// C-STOREs of Part 10 files as `storeOutcome(of:priority:)` sends each, with as many
    /// outstanding as the negotiated asynchronous operations window allows. A file that can't
    /// be sent on this association (no UID, no accepted context, not encodable) gets its error
    /// and the others go; an association that ends throws.
    public func storeOutcomes(of files: [DICOMFile], priority: DIMSEPriority = .medium) async throws
        -> [Result<StoreOutcome, any Error>]
    {
        let prepared = files.map { file in Result { try prepare(file) } }
        let sendable = prepared.compactMap { try? $0.get() }
        var responses = try await storeResponses(sendable.map(\.item), priority: priority).makeIterator()
        return prepared.map { preparation in
            preparation.flatMap { prepared in
                guard let response = responses.next() else {
                    return .failure(DICOMClientError.unexpectedMessage("no C-STORE-RSP"))
                }
                return .success(prepared.outcome(response))
            }
        }
    }

    /// A file ready to go: its data set encoded for the context chosen.
    private struct PreparedFile {
        var item: StoreItem
        var converted: Bool

        func outcome(_ response: CStoreResponse) -> StoreOutcome {
            StoreOutcome(
                status: response.status, errorComment: response.errorComment,
                offendingElements: response.offendingElements, transferSyntax: item.transferSyntax,
                converted: converted, dataSetLength: item.dataSet.readableBytes)
        }
    }

    private func prepare(_ file: DICOMFile) throws -> PreparedFile {
        guard let sopClass = file.dataSet.uid(.sopClassUID) ?? file.meta.uid(.mediaStorageSOPClassUID) else {
            throw DICOMClientError.missingUID(.sopClassUID)
        }
        guard let sopInstance = file.dataSet.uid(.sopInstanceUID) ?? file.meta.uid(.mediaStorageSOPInstanceUID) else {
            throw DICOMClientError.missingUID(.sopInstanceUID)
        }
        let candidates = context.presentationContexts.filter { $0.abstractSyntax == sopClass }
        let own = candidates.first { $0.transferSyntax == file.transferSyntax.uid }
        let converted = candidates.first { context in
            file.transferSyntax.isUncompressed && TransferSyntax(uid: context.transferSyntax).isUncompressed
        }
        guard let chosen = own ?? converted else {
            throw DICOMClientError.noPresentationContext(
                abstractSyntax: sopClass, transferSyntax: file.transferSyntax.uid)
        }
        let syntax = TransferSyntax(uid: chosen.transferSyntax)
        var bytes = try file.dataSet.encoded(in: syntax)
        // A deflated stream can have an odd length; PDV fragments must not (DCMTK aborts the
        // association on an odd one), so it gets a trailing null byte, as DCMTK sends it.
        // Inflating stops at the end of the stream and never sees it.
        if syntax.isDeflated, bytes.readableBytes % 2 == 1 { bytes.writeInteger(UInt8(0)) }
        return PreparedFile(
            item: StoreItem(
                dataSet: bytes, sopClass: sopClass, sopInstance: sopInstance, transferSyntax: chosen.transferSyntax),
            converted: own == nil)
    }

    /// C-STORE of a data set already encoded in `transferSyntax`, answering with the whole
    /// C-STORE-RSP. A C-MOVE's sub-operation names its originator (the AE title that asked
    /// for the move, and its C-MOVE-RQ's message ID).
    public func storeResponse(
        dataSet: ByteBuffer, sopClass: UID, sopInstance: UID, transferSyntax: UID, priority: DIMSEPriority = .medium,
        moveOriginatorAETitle: String? = nil, moveOriginatorMessageID: UInt16? = nil
    ) async throws -> CStoreResponse {
        let item = StoreItem(
            dataSet: dataSet, sopClass: sopClass, sopInstance: sopInstance, transferSyntax: transferSyntax)
        let responses = try await storeResponses(
            [item], priority: priority, moveOriginatorAETitle: moveOriginatorAETitle,
            moveOriginatorMessageID: moveOriginatorMessageID)
        guard let response = responses.first else { throw DICOMClientError.unexpectedMessage("no C-STORE-RSP") }
        return response
    }
}
