import DICOM
import NIOCore

extension AcceptorAssociation {
    /// C-MOVE (PS3.4 C.4.2): runs beside the reading, so that a C-CANCEL-RQ can stop it. The
    /// instances go as C-STORE-RQs on a new association to the Move Destination, which the
    /// retrieve service resolves (unknown: 0xA801).
    func startMove(
        _ request: CMoveRequest, identifier bytes: ByteBuffer, contextID: UInt8, group: inout DiscardingTaskGroup
    ) {
        let signal = operations.register(messageID: request.messageID)
        group.addTask { [self] in
            defer { operations.remove(messageID: request.messageID) }
            func respond(
                _ status: DIMSEStatus, _ counts: SubOperationCounts, _ result: ServiceResult? = nil,
                identifier: ByteBuffer? = nil
            ) async throws {
                let response = CMoveResponse(
                    messageIDBeingRespondedTo: request.messageID, affectedSOPClassUID: request.affectedSOPClassUID,
                    status: status, subOperations: counts, offendingElements: result?.offendingElements ?? [],
                    errorComment: result?.wireErrorComment, hasDataSet: identifier != nil)
                try await sender.send(.cMoveResponse(response), dataSet: identifier, contextID: contextID)
            }
            do {
                let progress = try await move(request, identifier: bytes, contextID: contextID, cancel: signal) {
                    counts in try await respond(.pending, counts)
                }
                try await respond(
                    progress.finalStatus, progress.finalCounts,
                    identifier: try? progress.failureIdentifier(in: identifierSyntax(contextID: contextID)))
            } catch let refusal as RetrieveRefusal {
                try? await respond(refusal.result.status, SubOperationCounts(), refusal.result)
            } catch {
                // Our own association is gone: nobody to answer.
            }
        }
    }

    /// The sub-operations' tally; throws `RetrieveRefusal` for a move refused as a whole.
    private func move(
        _ request: CMoveRequest, identifier bytes: ByteBuffer, contextID: UInt8, cancel: CancelSignal,
        pending: (SubOperationCounts) async throws -> Void
    ) async throws -> SubOperationProgress {
        let instances = try await retrievableInstances(
            sopClass: request.affectedSOPClassUID, models: services.retrieve?.moveInformationModels ?? [],
            identifier: bytes, contextID: contextID)
        guard let destination = await services.retrieve?.moveDestination(aeTitle: request.moveDestination) else {
            throw RetrieveRefusal(
                ServiceResult(
                    status: .moveDestinationUnknown, errorComment: "unknown destination \(request.moveDestination)"))
        }
        guard !instances.isEmpty else { return SubOperationProgress(total: 0) }
        let association: ClientAssociation
        do {
            association = try await DICOMClient.connect(
                host: destination.host, port: destination.port, callingAETitle: context.calledAETitle,
                calledAETitle: request.moveDestination,
                presentationContexts: SubOperationEncoding.proposals(for: instances))
        } catch {
            // Unreachable, or it rejected us: every sub-operation fails (A702 with the list).
            var progress = SubOperationProgress(total: instances.count)
            for instance in instances { progress.record(.outOfResources, sopInstanceUID: instance.sopInstanceUID) }
            return progress
        }
        let originator = context.callingAETitle
        do {
            // A sub-operation that throws counts as failed; once the destination has gone
            // away, each of the rest fails at once (the association says it is over).
            let progress = try await runSubOperations(instances, cancel: cancel, pending: pending) { instance in
                guard
                    let target = SubOperationEncoding.context(
                        for: instance, among: association.context.presentationContexts)
                else { return .sopClassNotSupported }
                return try await association.store(
                    dataSetChunks: try await SubOperationEncoding.chunks(of: instance, in: target.transferSyntax),
                    sopClass: instance.sopClassUID, sopInstance: instance.sopInstanceUID,
                    transferSyntax: target.transferSyntax, moveOriginatorAETitle: originator,
                    moveOriginatorMessageID: request.messageID)
            }
            try? await association.release()
            return progress
        } catch {
            // Our own requestor is gone.
            await association.abort()
            throw error
        }
    }
}
