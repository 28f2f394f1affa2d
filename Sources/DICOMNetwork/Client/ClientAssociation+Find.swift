public import DICOM
import NIOCore
import Synchronization

extension ClientAssociation {
    /// C-FIND (PS3.4 C.4.1): the matches, each as it arrives. The request is sent when the
    /// first match is asked for; a final failure status throws `DICOMClientError.failed`.
    /// Leaving the loop early leaves the query open: the next operation cancels it (C-CANCEL).
    /// Cancelling the task that waits for a match sends C-CANCEL at once, reads the peer's
    /// final response and throws `CancellationError`.
    public nonisolated func find(
        _ identifier: DataSet, informationModel: UID = .studyRootQueryRetrieveInformationModelFind,
        priority: DIMSEPriority = .medium
    ) -> FindMatches {
        FindMatches(
            association: self,
            cursor: FindCursor(identifier: identifier, informationModel: informationModel, priority: priority))
    }

    func nextMatch(_ cursor: FindCursor) async throws -> DataSet? {
        try await exclusively(continuingFind: true) {
            let started = cursor.state.withLock { $0 }
            let id: UInt16
            let syntax: TransferSyntax
            switch started {
            case .finished:
                return nil
            case .running(let runningID, let runningSyntax):
                // Another operation cancelled it meanwhile.
                guard openFind == runningID else { return nil }
                id = runningID
                syntax = runningSyntax
            case .notStarted:
                guard !Task.isCancelled else {
                    cursor.state.withLock { $0 = .finished }
                    throw CancellationError()
                }
                try await cancelOpenFind()
                let context = try presentationContext(for: cursor.informationModel)
                id = messageID()
                syntax = TransferSyntax(uid: context.transferSyntax)
                let request = CFindRequest(
                    messageID: id, affectedSOPClassUID: cursor.informationModel, priority: cursor.priority)
                try await send(
                    .cFindRequest(request), dataSet: try cursor.identifier.encoded(in: syntax), contextID: context.id)
                openFind = id
                cursor.state.withLock { $0 = .running(id, syntax) }
            }
            let message: DIMSEMessage
            do {
                message = try await response(to: id, cancellable: true)
            } catch is OperationCancelled {
                // The consuming task was cancelled: the peer stops now, not at the next operation.
                try await cancelOpenFind()
                cursor.state.withLock { $0 = .finished }
                throw CancellationError()
            }
            guard case .cFindResponse(let response) = message else {
                throw DICOMClientError.unexpectedMessage("not a C-FIND-RSP")
            }
            let identifier = response.hasDataSet ? try await responseDataSet() : nil
            if response.status.isPending {
                guard let identifier else {
                    throw DICOMClientError.unexpectedMessage("pending C-FIND-RSP without identifier")
                }
                return try DataSet(decoding: identifier, transferSyntax: syntax)
            }
            openFind = nil
            cursor.state.withLock { $0 = .finished }
            guard response.status.isSuccess || response.status.isCancel || response.status.isWarning else {
                throw DICOMClientError.failed(response.status, errorComment: response.errorComment)
            }
            return nil
        }
    }

    /// Sends C-CANCEL for a C-FIND left open and reads its responses up to the final one.
    func cancelOpenFind() async throws {
        guard let id = openFind else { return }
        let contextID =
            context.presentationContexts.first { StandardSOPClasses.queryRetrieveFind.contains($0.abstractSyntax) }?.id
            ?? 1
        try await sendCancel(for: id, contextID: contextID)
        while true {
            guard case .cFindResponse(let response) = try await response(to: id) else { continue }
            if response.hasDataSet { _ = try await responseDataSet() }
            if response.status.isFinal { break }
        }
        openFind = nil
    }
}

/// The matches of one C-FIND, each read from the association when asked for (so a query left
/// unread waits at the peer). Iterated once.
public struct FindMatches: AsyncSequence, Sendable {
    public typealias Element = DataSet

    let association: ClientAssociation
    let cursor: FindCursor

    public func makeAsyncIterator() -> Iterator {
        Iterator(association: association, cursor: cursor)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let association: ClientAssociation
        let cursor: FindCursor

        public mutating func next() async throws -> DataSet? {
            try await association.nextMatch(cursor)
        }
    }
}

/// Where one `find` stands, shared by its sequence and the association.
final class FindCursor: Sendable {
    enum State: Sendable {
        case notStarted
        case running(UInt16, TransferSyntax)
        case finished
    }

    let identifier: DataSet
    let informationModel: UID
    let priority: DIMSEPriority
    let state = Mutex(State.notStarted)

    init(identifier: DataSet, informationModel: UID, priority: DIMSEPriority) {
        self.identifier = identifier
        self.informationModel = informationModel
        self.priority = priority
    }
}
