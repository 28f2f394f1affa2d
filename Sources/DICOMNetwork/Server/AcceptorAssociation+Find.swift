import DICOM
import NIOCore

extension AcceptorAssociation {
    /// C-FIND (PS3.4 C.4.1.2): runs beside the reading, so that a C-CANCEL-RQ can stop it.
    /// Every match goes out as a pending response as the service yields it; then the final one.
    func startFind(
        _ request: CFindRequest, identifier bytes: ByteBuffer, contextID: UInt8, group: inout DiscardingTaskGroup
    ) {
        let signal = operations.register(messageID: request.messageID)
        group.addTask { [self] in
            defer { operations.remove(messageID: request.messageID) }
            let result = await find(request, identifier: bytes, contextID: contextID, cancel: signal)
            let response = CFindResponse(
                messageIDBeingRespondedTo: request.messageID, affectedSOPClassUID: request.affectedSOPClassUID,
                status: result.status, offendingElements: result.offendingElements,
                errorComment: result.wireErrorComment)
            try? await sender.send(.cFindResponse(response), contextID: contextID)
        }
    }

    /// Sends the pending responses; returns the final status.
    private func find(
        _ request: CFindRequest, identifier bytes: ByteBuffer, contextID: UInt8, cancel: CancelSignal
    ) async -> ServiceResult {
        guard let query = services.query,
            let presentationContext = context.presentationContext(id: contextID),
            presentationContext.abstractSyntax == request.affectedSOPClassUID
        else { return ServiceResult(status: .sopClassNotSupported) }
        let syntax = TransferSyntax(uid: presentationContext.transferSyntax)
        let identifier: DataSet
        do {
            identifier = try DataSet(decoding: bytes, transferSyntax: syntax)
        } catch {
            return ServiceResult(status: .cannotUnderstand, errorComment: "identifier: \(error)")
        }
        let matches = query.find(request, identifier: identifier, context: context)
        // Whichever ends first: the matches, or a C-CANCEL. Cancelling the sending task ends
        // the service's stream, which tells the service to stop.
        return await withTaskGroup(of: ServiceResult.self) { race in
            race.addTask {
                do {
                    for try await match in matches {
                        let pending = CFindResponse(
                            messageIDBeingRespondedTo: request.messageID,
                            affectedSOPClassUID: request.affectedSOPClassUID, status: .pending)
                        try await sender.send(
                            .cFindResponse(pending), dataSet: try match.encoded(in: syntax), contextID: contextID)
                    }
                    return Task.isCancelled ? ServiceResult(status: .cancel) : .success
                } catch let failure as QueryFailure {
                    return failure.result
                } catch {
                    return Task.isCancelled ? ServiceResult(status: .cancel) : .failure(error)
                }
            }
            race.addTask {
                await cancel.wait()
                return ServiceResult(status: .cancel)
            }
            let first = await race.next() ?? ServiceResult(status: .cancel)
            race.cancelAll()
            return first
        }
    }
}
