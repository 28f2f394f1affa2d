import DICOM
import NIOCore
import NIOPosix
import Testing

@testable import DICOMNetwork

/// C-CANCEL from a read that waits on a silent peer: the peer sends nothing after the C-GET-RQ
/// until it has the C-CANCEL-RQ, so the cancel must go out at once, from the cancellation
/// alone, not with the next inbound bytes; the final response then ends the C-GET.
@Suite("Client C-CANCEL → a silent raw SCP")
struct ClientCancelSilentPeerTests {
    typealias Raw = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// A raw SCP for one association: accepts every context, takes the C-GET-RQ, says so on
    /// `requests`, then waits for the C-CANCEL-RQ in silence and answers it with 0xFE00; then
    /// answers the release. Returns the message ID the C-CANCEL named.
    static func silentSCP(_ connection: Raw, requests: AsyncStream<UInt16>.Continuation) async throws -> UInt16? {
        try await connection.executeThenClose { inbound, outbound in
            var reader = ServerAbuseTests.PDUReader(inbound: inbound.makeAsyncIterator())
            func send(_ pdus: PDU...) async throws {
                var bytes = ByteBuffer()
                for pdu in pdus { try pdu.encode(into: &bytes) }
                try await outbound.write(bytes)
            }
            guard case .associateRequest(let request)? = try await reader.next() else { return nil }
            try await send(
                .associateAccept(
                    AssociateAccept(
                        calledAETitle: request.calledAETitle, callingAETitle: request.callingAETitle,
                        presentationContexts: request.presentationContexts.map {
                            PresentationContextResult(
                                id: $0.id, result: .acceptance, transferSyntax: $0.transferSyntaxes.first)
                        }, userInformation: UserInformation(maximumLength: 16_384))))
            // The C-GET-RQ: its command, then its identifier.
            guard case .command(let contextID, .cGetRequest(let get)) = try await nextMessage(&reader) else {
                return nil
            }
            guard case .dataSet = try await nextMessage(&reader) else { return nil }
            requests.yield(get.messageID)
            guard case .command(_, .cCancelRequest(let cancel)) = try await nextMessage(&reader) else { return nil }
            let response = CGetResponse(
                messageIDBeingRespondedTo: get.messageID, affectedSOPClassUID: get.affectedSOPClassUID,
                status: .cancel, subOperations: SubOperationCounts(remaining: 5, completed: 0, failed: 0, warning: 0))
            let command = try DIMSEMessage.cGetResponse(response).encoded()
            try await send(
                .data([PresentationDataValue(contextID: contextID, isCommand: true, isLast: true, data: command)]))
            guard case .releaseRequest? = try await reader.next() else { return nil }
            try await send(.releaseResponse)
            while try await reader.next() != nil {}
            return cancel.messageIDBeingRespondedTo
        }
    }

    enum Message {
        case command(UInt8, DIMSEMessage)
        case dataSet
    }

    /// The next whole command or data set (each in one PDV here: the client's are small).
    static func nextMessage(_ reader: inout ServerAbuseTests.PDUReader) async throws -> Message? {
        guard case .data(let values)? = try await reader.next(), let value = values.first, value.isLast else {
            return nil
        }
        return value.isCommand ? .command(value.contextID, try DIMSEMessage(decoding: value.data)) : .dataSet
    }

    @Test(.timeLimit(.minutes(1))) func cancelWhileThePeerIsSilent() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try Raw(wrappingChannelSynchronously: channel) }
            }
        let port = try #require(listener.channel.localAddress?.port)
        let (requests, requested) = AsyncStream.makeStream(of: UInt16.self)
        try await withThrowingTaskGroup(of: UInt16?.self) { group in
            group.addTask {
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        return try await Self.silentSCP(connection, requests: requested)
                    }
                    return nil
                }
            }
            let association = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "APUS", calledAETitle: "SILENT",
                presentationContexts: ClientCancelTests.getContexts, roleSelections: ClientCancelTests.getRoles)
            let get = Task {
                try await association.get(ClientCancelTests.studyIdentifier()) { _ in .success }
            }
            var iterator = requests.makeAsyncIterator()
            let getID = try #require(await iterator.next())
            // The peer now waits for us; so does the C-GET, for its next message.
            try await Task.sleep(for: .milliseconds(100))
            get.cancel()
            let result = try await get.value
            #expect(result.status == .cancel)
            #expect(result.subOperations.remaining == 5)
            try await association.release()
            let cancelledID = try await group.next() ?? nil
            #expect(cancelledID == getID)
        }
    }
}
