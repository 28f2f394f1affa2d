import DICOM
import NIOCore

extension AcceptorAssociation {
    /// C-GET (PS3.4 C.4.3): runs beside the reading, which delivers the peer's C-STORE-RSPs
    /// and a C-CANCEL-RQ. The instances go as C-STORE-RQs on this association, on the
    /// contexts where the peer took the SCP role (PS3.7 D.3.3.4).
    func startGet(
        _ request: CGetRequest, identifier bytes: ByteBuffer, contextID: UInt8, group: inout DiscardingTaskGroup
    ) {
        let signal = operations.register(messageID: request.messageID)
        group.addTask { [self] in
            defer { operations.remove(messageID: request.messageID) }
            func respond(
                _ status: DIMSEStatus, _ counts: SubOperationCounts, _ result: ServiceResult? = nil,
                identifier: ByteBuffer? = nil
            ) async throws {
                let response = CGetResponse(
                    messageIDBeingRespondedTo: request.messageID, affectedSOPClassUID: request.affectedSOPClassUID,
                    status: status, subOperations: counts, offendingElements: result?.offendingElements ?? [],
                    errorComment: result?.wireErrorComment, hasDataSet: identifier != nil)
                try await sender.send(.cGetResponse(response), dataSet: identifier, contextID: contextID)
            }
            do {
                let instances = try await retrievableInstances(
                    sopClass: request.affectedSOPClassUID, models: services.retrieve?.getInformationModels ?? [],
                    identifier: bytes, contextID: contextID)
                let storageContexts = context.presentationContexts.filter(\.requestorIsSCP)
                let progress = try await runSubOperations(
                    instances, cancel: signal,
                    pending: { counts in try await respond(.pending, counts) },
                    perform: { instance in try await storeHere(instance, among: storageContexts) })
                try await respond(
                    progress.finalStatus, progress.finalCounts,
                    identifier: try? progress.failureIdentifier(in: identifierSyntax(contextID: contextID)))
            } catch let refusal as RetrieveRefusal {
                try? await respond(refusal.result.status, SubOperationCounts(), refusal.result)
            } catch {
                // The association is gone: nobody to answer.
            }
        }
    }

    /// One C-STORE sub-operation on this association: the peer's status, or a failure when
    /// no context fits or the instance can't be loaded.
    private func storeHere(
        _ instance: RetrievableInstance, among contexts: [NegotiatedPresentationContext]
    ) async throws -> DIMSEStatus {
        guard let target = SubOperationEncoding.context(for: instance, among: contexts) else {
            return .sopClassNotSupported
        }
        let chunks = try await SubOperationEncoding.chunks(of: instance, in: target.transferSyntax)
        let id = subOperationResponses.expectNext()
        let request = CStoreRequest(
            messageID: id, affectedSOPClassUID: instance.sopClassUID, affectedSOPInstanceUID: instance.sopInstanceUID)
        do {
            try await sender.send(.cStoreRequest(request), dataSetChunks: chunks, contextID: target.id)
        } catch DataSetReadFailure.beforeCommand(let reason) {
            // Nothing went out: this sub-operation fails, the next may go.
            throw DataSetReadFailure.beforeCommand(reason)
        } catch DataSetReadFailure.afterCommand(let reason) {
            // The peer holds half a C-STORE-RQ: nothing but an abort ends it.
            try? await writePDU(.abort(.serviceUser))
            throw SubOperationAborted(reason: reason)
        } catch {
            throw SubOperationAborted(reason: "\(error)")
        }
        guard let response = await subOperationResponses.response(to: id) else {
            throw SubOperationAborted(reason: "association ended before the C-STORE-RSP")
        }
        return response.status
    }
}
