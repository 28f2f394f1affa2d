public import DICOM
public import NIOCore

/// How a C-GET or C-MOVE ended (PS3.4 C.4.2.1.5, C.4.3.1.5): the final status, the
/// sub-operation counts, and the instances the peer says failed.
public struct RetrieveResult: Sendable, Equatable {
    public var status: DIMSEStatus
    public var subOperations: SubOperationCounts
    /// Failed SOP Instance UID List (0008,0058) of the final response's identifier.
    public var failedSOPInstanceUIDs: [String]
    public var errorComment: String?
}

/// An instance a C-GET brings back on its own association, as the peer's C-STORE-RQ sends it.
public struct RetrievedInstance: Sendable {
    public var request: CStoreRequest
    /// The data set, in `transferSyntax` (its presentation context's).
    public var dataSet: ByteBuffer
    public var transferSyntax: UID
}

extension ClientAssociation {
    /// C-GET (PS3.4 C.4.3): the peer sends the instances as C-STORE-RQs on this association,
    /// on the storage contexts proposed with the SCP role (`DICOMClient.connect`'s
    /// `roleSelections`). Each goes to `receive`, whose status answers the peer; an instance
    /// larger than `maximumInstanceSize` is answered 0xA700 without reaching it. `progress`
    /// gets the counts of each pending C-GET-RSP.
    ///
    /// Cancelling the calling task cancels the retrieval: a C-CANCEL-RQ goes to the peer, the
    /// instances it still sends are received as before, and the result is its final response
    /// (status 0xFE00, Cancel, and the counts so far, from a peer that honours it).
    public func get(
        _ identifier: DataSet, informationModel: UID = .studyRootQueryRetrieveInformationModelGet,
        priority: DIMSEPriority = .medium, maximumInstanceSize: Int = 1 << 30,
        progress: @Sendable (SubOperationCounts) -> Void = { _ in },
        receive: @Sendable (RetrievedInstance) async -> DIMSEStatus
    ) async throws -> RetrieveResult {
        try await exclusively {
            let model = try presentationContext(for: informationModel)
            try Task.checkCancellation()
            let id = messageID()
            let syntax = TransferSyntax(uid: model.transferSyntax)
            let request = CGetRequest(messageID: id, affectedSOPClassUID: informationModel, priority: priority)
            try await send(.cGetRequest(request), dataSet: try identifier.encoded(in: syntax), contextID: model.id)
            var cancelled = false
            while true {
                let event: Reader.Event
                do {
                    event = try await withTimeout(options.responseTimeout, phase: .response) {
                        try await readEvent(cancellable: !cancelled)
                    }
                } catch is OperationCancelled {
                    try await sendCancel(for: id, contextID: model.id)
                    cancelled = true
                    continue
                }
                switch event {
                case .command(let contextID, .cStoreRequest(let store)):
                    let bytes = try await storeDataSet(limit: maximumInstanceSize)
                    var status = DIMSEStatus.outOfResources
                    if let bytes, let storage = context.presentationContext(id: contextID) {
                        status = await receive(
                            RetrievedInstance(request: store, dataSet: bytes, transferSyntax: storage.transferSyntax))
                    }
                    try await send(
                        .cStoreResponse(CStoreResponse(respondingTo: store, status: status)), contextID: contextID)
                case .command(_, .cGetResponse(let response)) where response.messageIDBeingRespondedTo == id:
                    let identifier = response.hasDataSet ? try await responseDataSet() : nil
                    guard response.status.isFinal else {
                        progress(response.subOperations)
                        continue
                    }
                    return try Self.result(
                        response.status, response.subOperations, response.errorComment, identifier: identifier,
                        syntax: syntax)
                case .ended(let end):
                    throw DICOMClientError.ended(end)
                case .releaseRequested:
                    throw DICOMClientError.unexpectedMessage("A-RELEASE-RQ during a C-GET")
                case .command, .dataFragment, .dataSet, .releaseConfirmed:
                    // Another message's data set, or a response nobody awaits.
                    continue
                }
            }
        }
    }

    /// C-MOVE (PS3.4 C.4.2): the peer sends the instances to the AE title `destination` on an
    /// association of its own; this waits for the final response. `progress` gets the counts
    /// of each pending C-MOVE-RSP. Cancelling the calling task sends C-CANCEL-RQ, as `get` does,
    /// and the result is the peer's final response.
    public func move(
        _ identifier: DataSet, destination: String,
        informationModel: UID = .studyRootQueryRetrieveInformationModelMove, priority: DIMSEPriority = .medium,
        progress: @Sendable (SubOperationCounts) -> Void = { _ in }
    ) async throws -> RetrieveResult {
        try await exclusively {
            let model = try presentationContext(for: informationModel)
            try Task.checkCancellation()
            let id = messageID()
            let syntax = TransferSyntax(uid: model.transferSyntax)
            let request = CMoveRequest(
                messageID: id, affectedSOPClassUID: informationModel, moveDestination: destination, priority: priority)
            try await send(.cMoveRequest(request), dataSet: try identifier.encoded(in: syntax), contextID: model.id)
            var cancelled = false
            while true {
                let message: DIMSEMessage
                do {
                    message = try await response(to: id, cancellable: !cancelled)
                } catch is OperationCancelled {
                    try await sendCancel(for: id, contextID: model.id)
                    cancelled = true
                    continue
                }
                guard case .cMoveResponse(let response) = message else {
                    throw DICOMClientError.unexpectedMessage("not a C-MOVE-RSP")
                }
                let identifier = response.hasDataSet ? try await responseDataSet() : nil
                guard response.status.isFinal else {
                    progress(response.subOperations)
                    continue
                }
                return try Self.result(
                    response.status, response.subOperations, response.errorComment, identifier: identifier,
                    syntax: syntax)
            }
        }
    }

    /// The streamed data set of a C-STORE-RQ just read, whole; nil (and the rest read and
    /// dropped) past `limit`.
    private func storeDataSet(limit: Int) async throws -> ByteBuffer? {
        // The first fragment is kept as the slice it is; the others are appended to it, the
        // buffer growing geometrically (not copied whole again for each fragment).
        var whole = ByteBuffer()
        var tooLarge = false
        while true {
            switch try await withTimeout(options.responseTimeout, phase: .response, { try await readEvent() }) {
            case .dataFragment(let fragment, let isLast):
                if tooLarge {
                    // Read and dropped.
                } else if whole.readableBytes + fragment.readableBytes > limit {
                    tooLarge = true
                    whole = ByteBuffer()
                } else if whole.readableBytes == 0 {
                    whole = fragment
                } else {
                    whole.writeImmutableBuffer(fragment)
                }
                if isLast { return tooLarge ? nil : whole }
            case .ended(let end):
                throw DICOMClientError.ended(end)
            default:
                throw DICOMClientError.unexpectedMessage("C-STORE-RQ without its data set")
            }
        }
    }

    static func result(
        _ status: DIMSEStatus, _ counts: SubOperationCounts, _ comment: String?, identifier: ByteBuffer?,
        syntax: TransferSyntax
    ) throws -> RetrieveResult {
        let failed =
            try identifier.map { try DataSet(decoding: $0, transferSyntax: syntax) }?
            .strings(.failedSOPInstanceUIDList) ?? []
        return RetrieveResult(
            status: status, subOperations: counts, failedSOPInstanceUIDs: failed, errorComment: comment)
    }
}
