public import DICOM
public import NIOCore

/// One C-STORE of a pipelined batch: a data set already encoded in `transferSyntax`.
public struct StoreItem: Sendable {
    public var dataSet: ByteBuffer
    public var sopClass: UID
    public var sopInstance: UID
    public var transferSyntax: UID

    public init(dataSet: ByteBuffer, sopClass: UID, sopInstance: UID, transferSyntax: UID) {
        self.dataSet = dataSet
        self.sopClass = sopClass
        self.sopInstance = sopInstance
        self.transferSyntax = transferSyntax
    }
}

extension ClientAssociation {
    /// C-STOREs of `items` with as many requests outstanding as the negotiated asynchronous
    /// operations window allows (PS3.7 D.3.3.3): the next request goes out before the earlier
    /// ones are answered, so a peer that performs several at once is not held to one round
    /// trip per instance. Without a window they go one after the other. The responses come
    /// in the order of `items`; an association that ends throws. C-MOVE sub-operations name
    /// their originator (the AE title that asked for the move, and its C-MOVE-RQ's message ID).
    public func storeResponses(
        _ items: [StoreItem], priority: DIMSEPriority = .medium, moveOriginatorAETitle: String? = nil,
        moveOriginatorMessageID: UInt16? = nil
    ) async throws -> [CStoreResponse] {
        try await exclusively {
            var responses: [CStoreResponse?] = Array(repeating: nil, count: items.count)
            var outstanding: [UInt16: Int] = [:]
            var next = 0
            while next < items.count || !outstanding.isEmpty {
                while next < items.count, outstanding.count < context.operationsInvoked {
                    let item = items[next]
                    let presentation = try presentationContext(
                        for: item.sopClass, transferSyntax: item.transferSyntax, exact: true)
                    let id = messageID()
                    let request = CStoreRequest(
                        messageID: id, affectedSOPClassUID: item.sopClass, affectedSOPInstanceUID: item.sopInstance,
                        priority: priority, moveOriginatorApplicationEntityTitle: moveOriginatorAETitle,
                        moveOriginatorMessageID: moveOriginatorMessageID)
                    try await send(.cStoreRequest(request), dataSet: item.dataSet, contextID: presentation.id)
                    outstanding[id] = next
                    next += 1
                }
                guard case .cStoreResponse(let response) = try await response(toAnyOf: Set(outstanding.keys)),
                    let position = outstanding.removeValue(forKey: response.messageIDBeingRespondedTo)
                else { throw DICOMClientError.unexpectedMessage("not a C-STORE-RSP") }
                responses[position] = response
            }
            return responses.compactMap { $0 }
        }
    }
}
