import DICOM
import NIOCore

extension ClientAssociation {
    /// Runs `body` when no other operation runs, after cancelling a C-FIND left open (unless
    /// `body` continues it); fails at once if the association is over.
    func exclusively<T: Sendable>(continuingFind: Bool = false, _ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { relinquish() }
        if let end { throw end }
        do {
            if !continuingFind { try await cancelOpenFind() }
            return try await body()
        } catch let error as DICOMClientError {
            if case .ended = error, end == nil { end = error }
            if case .timedOut = error { end = error }
            throw error
        }
    }

    /// The next event of the association. The reader is taken out of the actor while it waits
    /// (an actor's property cannot be mutated across a suspension); only one operation reads
    /// at a time, so nothing else can miss it.
    /// A `cancellable` read throws `OperationCancelled` when the task is cancelled, and leaves
    /// the association as it was: the operation sends C-CANCEL and reads on.
    func readEvent(cancellable: Bool = false) async throws -> Reader.Event {
        var reader = self.reader
        defer { self.reader = reader }
        indications.cancellable = cancellable
        defer { indications.cancellable = false }
        return try await reader.read()
    }

    func messageID() -> UInt16 {
        defer { nextMessageID = nextMessageID == .max ? 1 : nextMessageID + 1 }
        return nextMessageID
    }

    func presentationContext(
        for abstractSyntax: UID, transferSyntax: UID? = nil, exact: Bool = false
    ) throws(DICOMClientError) -> NegotiatedPresentationContext {
        guard let found = context.presentationContext(for: abstractSyntax, transferSyntax: transferSyntax),
            !exact || found.transferSyntax == transferSyntax
        else {
            throw .noPresentationContext(abstractSyntax: abstractSyntax, transferSyntax: transferSyntax)
        }
        return found
    }

    /// Sends a message. A write the channel refuses means the association is over (the peer
    /// aborted or closed): the error says how it ended, from the indications still unread.
    func send(_ message: DIMSEMessage, dataSet: ByteBuffer? = nil, contextID: UInt8) async throws {
        do {
            try await sender.send(message, dataSet: dataSet, contextID: contextID)
        } catch let error as DIMSEError {
            throw error
        } catch {
            try? await channel.close()
            while true {
                if case .ended(let end) = try await readEvent() { throw DICOMClientError.ended(end) }
            }
        }
    }

    /// The next response to message `id`, within the response timeout. Requests from the peer
    /// (we take no SCP role) are answered by nothing; data sets of responses we don't await
    /// are skipped. A `cancellable` wait throws `OperationCancelled` when the task is cancelled.
    func response(to id: UInt16, cancellable: Bool = false) async throws -> DIMSEMessage {
        try await response(toAnyOf: [id], cancellable: cancellable)
    }

    /// The next response to any of the messages `ids` (requests outstanding together).
    func response(toAnyOf ids: Set<UInt16>, cancellable: Bool = false) async throws -> DIMSEMessage {
        try await withTimeout(options.responseTimeout, phase: .response) {
            while true {
                switch try await readEvent(cancellable: cancellable) {
                case .command(_, let message):
                    guard let responded = Self.respondedID(of: message), ids.contains(responded) else {
                        if case .cFindResponse(let late) = message, late.messageIDBeingRespondedTo == openFind,
                            late.status.isFinal
                        {
                            openFind = nil
                        }
                        continue
                    }
                    return message
                case .ended(let end):
                    throw DICOMClientError.ended(end)
                case .releaseRequested:
                    throw DICOMClientError.unexpectedMessage("A-RELEASE-RQ while a response was awaited")
                case .dataFragment, .dataSet, .releaseConfirmed:
                    continue
                }
            }
        }
    }

    /// The data set that follows a response just read.
    func responseDataSet() async throws -> ByteBuffer {
        try await withTimeout(options.responseTimeout, phase: .response) {
            switch try await readEvent() {
            case .dataSet(let bytes): return bytes
            case .ended(let end): throw DICOMClientError.ended(end)
            default: throw DICOMClientError.unexpectedMessage("no data set after a response that announced one")
            }
        }
    }

    /// C-CANCEL-RQ (PS3.7 §9.3.2.3, §9.3.3.3, §9.3.4.3) for the C-FIND, C-GET or C-MOVE `id`,
    /// on its request's presentation context.
    func sendCancel(for id: UInt16, contextID: UInt8) async throws {
        try await send(.cCancelRequest(CCancelRequest(messageIDBeingRespondedTo: id)), contextID: contextID)
    }

    static func respondedID(of message: DIMSEMessage) -> UInt16? {
        switch message {
        case .cEchoResponse(let response): response.messageIDBeingRespondedTo
        case .cStoreResponse(let response): response.messageIDBeingRespondedTo
        case .cFindResponse(let response): response.messageIDBeingRespondedTo
        case .cGetResponse(let response): response.messageIDBeingRespondedTo
        case .cMoveResponse(let response): response.messageIDBeingRespondedTo
        default: nil
        }
    }

    /// Runs `body`; if it has not finished after `timeout`, the association is aborted (which
    /// ends the reading) and `.timedOut(phase)` thrown.
    func withTimeout<T: Sendable>(
        _ timeout: Duration?, phase: DICOMClientError.Phase, _ body: () async throws -> T
    ) async throws -> T {
        guard let timeout else { return try await body() }
        let previous = watchdog.arm(timeout)
        defer { watchdog.disarm(restoring: previous) }
        do {
            return try await body()
        } catch {
            if watchdog.fired { throw DICOMClientError.timedOut(phase) }
            throw error
        }
    }

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in waiting.append(continuation)
        }
    }

    func relinquish() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
