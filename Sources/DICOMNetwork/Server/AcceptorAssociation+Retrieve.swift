import DICOM
import NIOCore

/// What C-GET and C-MOVE share (PS3.4 C.4.2, C.4.3): the identifier resolved to instances,
/// then one C-STORE sub-operation after the other, a pending response after each, until the
/// end or a C-CANCEL.
extension AcceptorAssociation {
    /// The instances the request's identifier selects; throws the final result that refuses it.
    func retrievableInstances(
        sopClass: UID, models: Set<UID>, identifier bytes: ByteBuffer, contextID: UInt8
    ) async throws(RetrieveRefusal) -> [RetrievableInstance] {
        guard let retrieve = services.retrieve, models.contains(sopClass),
            let presentationContext = context.presentationContext(id: contextID),
            presentationContext.abstractSyntax == sopClass
        else { throw RetrieveRefusal(ServiceResult(status: .sopClassNotSupported)) }
        let identifier: DataSet
        do {
            identifier = try DataSet(
                decoding: bytes, transferSyntax: TransferSyntax(uid: presentationContext.transferSyntax))
        } catch {
            throw RetrieveRefusal(ServiceResult(status: .cannotUnderstand, errorComment: "identifier: \(error)"))
        }
        do {
            return try await retrieve.instances(matching: identifier, informationModel: sopClass, context: context)
        } catch let failure as QueryFailure {
            throw RetrieveRefusal(failure.result)
        } catch {
            throw RetrieveRefusal(
                ServiceResult(status: .outOfResourcesUnableToCalculateMatches, errorComment: "\(error)"))
        }
    }

    /// Runs `perform` for each instance, in order, and `pending` after each but the last.
    /// A sub-operation that throws counts as failed; `pending` throwing (the association is
    /// gone) ends the loop with its error. Stops before the next instance once `cancel` fires.
    func runSubOperations(
        _ instances: [RetrievableInstance], cancel: CancelSignal,
        pending: (SubOperationCounts) async throws -> Void,
        perform: (RetrievableInstance) async throws -> DIMSEStatus
    ) async throws -> SubOperationProgress {
        var progress = SubOperationProgress(total: instances.count)
        for (index, instance) in instances.enumerated() {
            if cancel.isFired || Task.isCancelled {
                progress.cancelled = true
                break
            }
            let status: DIMSEStatus
            do {
                status = try await perform(instance)
            } catch let error as SubOperationAborted {
                throw error
            } catch {
                status = .outOfResources
            }
            progress.record(status, sopInstanceUID: instance.sopInstanceUID)
            if index < instances.count - 1 { try await pending(progress.pendingCounts) }
        }
        return progress
    }

    /// The syntax of the request's context, for the final response's identifier.
    func identifierSyntax(contextID: UInt8) -> TransferSyntax {
        TransferSyntax(uid: context.presentationContext(id: contextID)?.transferSyntax ?? .implicitVRLittleEndian)
    }
}

/// A C-GET or C-MOVE refused before any sub-operation, with the final status.
struct RetrieveRefusal: Error {
    var result: ServiceResult

    init(_ result: ServiceResult) {
        self.result = result
    }
}

/// The association a sub-operation needs is gone: no further sub-operation can run.
struct SubOperationAborted: Error {
    var reason: String
}
