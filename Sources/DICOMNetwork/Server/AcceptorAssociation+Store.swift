import DICOM
import NIOCore

extension AcceptorAssociation {
    /// C-STORE (PS3.4 B.2): the storage service reads the data set while it arrives, in a child
    /// task; this task feeds it fragment by fragment, waiting whenever the service is behind.
    func store(_ request: CStoreRequest, contextID: UInt8, reader: inout Reader) async throws {
        guard let storage = services.storage,
            let presentationContext = context.presentationContext(id: contextID),
            presentationContext.abstractSyntax == request.affectedSOPClassUID
        else {
            try await discardDataSet(from: &reader)
            let response = CStoreResponse(respondingTo: request, status: .sopClassNotSupported)
            try await sender.send(.cStoreResponse(response), contextID: contextID)
            return
        }

        let (dataSet, source) = DataSetStream.make(transferSyntax: presentationContext.transferSyntax)
        let context = self.context
        let result = try await withThrowingTaskGroup(of: ServiceResult.self) { group in
            group.addTask {
                defer { source.consumerFinished() }
                do {
                    return try await storage.store(request, dataSet: dataSet, context: context)
                } catch {
                    return .failure(error)
                }
            }
            do {
                try await feed(source, from: &reader)
            } catch {
                source.fail(error)
                group.cancelAll()
                throw error
            }
            return try await group.next() ?? .failure(AssociationInterrupted(reason: "storage service vanished"))
        }
        let response = CStoreResponse(
            respondingTo: request, status: result.status, offendingElements: result.offendingElements,
            errorComment: result.wireErrorComment)
        try await sender.send(.cStoreResponse(response), contextID: contextID)
    }

    /// Hands the fragments of a streamed data set to `source` up to the last one; once the
    /// consumer stops reading, the rest is read and dropped.
    private func feed(_ source: DataSetSource, from reader: inout Reader) async throws {
        var consumerReads = true
        while true {
            switch try await reader.read() {
            case .dataFragment(let bytes, let isLast):
                if consumerReads { consumerReads = await source.yield(bytes) }
                if isLast {
                    source.finish()
                    return
                }
            case .ended(let end):
                throw AssociationInterrupted(reason: end.description)
            case .command, .dataSet, .releaseRequested, .releaseConfirmed:
                // The assembler delivers nothing but fragments until the last one.
                throw AssociationInterrupted(reason: "data set ended early")
            }
        }
    }

    private func discardDataSet(from reader: inout Reader) async throws {
        while true {
            switch try await reader.read() {
            case .dataFragment(_, let isLast):
                if isLast { return }
            case .ended(let end):
                throw AssociationInterrupted(reason: end.description)
            default:
                throw AssociationInterrupted(reason: "data set ended early")
            }
        }
    }
}
