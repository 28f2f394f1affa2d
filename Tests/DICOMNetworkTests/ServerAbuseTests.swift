import DICOM
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import DICOMNetwork

/// Peers that break the protocol, on a raw TCP connection: the server answers with the A-ABORT
/// the state machine prescribes, closes, and goes on serving everybody else.
@Suite("Server under abuse")
struct ServerAbuseTests {
    typealias Raw = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// Reads whole PDUs from a raw connection.
    struct PDUReader {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var buffer = ByteBuffer()

        /// The next PDU, nil once the server closed the connection.
        mutating func next() async throws -> PDU? {
            while true {
                if let pdu = try PDU.decode(from: &buffer, maximumLength: .max) { return pdu }
                guard var more = try await inbound.next() else { return nil }
                buffer.writeBuffer(&more)
            }
        }
    }

    /// Connects, lets `body` write (and read), then collects the PDUs the server sends until it
    /// closes the connection; fails if it stays open longer than `timeout`.
    /// `initial` is written from the event loop as soon as the connection opens: tests of a
    /// short ARTIM must not wait for a thread of the test's busy cooperative pool.
    /// With `closeAfter`, the peer closes once it has that many PDUs, as a conforming peer does
    /// after an A-ABORT or A-ASSOCIATE-RJ, instead of waiting for the server's ARTIM.
    func exchange(
        port: Int, timeout: Duration = .seconds(20), initial: ByteBuffer? = nil, closeAfter: Int? = nil,
        _ body: (NIOAsyncChannelOutboundWriter<ByteBuffer>, inout PDUReader) async throws -> Void = { _, _ in }
    ) async throws -> [PDU] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let initial { try channel.pipeline.syncOperations.addHandler(SendOnActive(bytes: initial)) }
                    return try Raw(wrappingChannelSynchronously: channel)
                }
            }
        let stayedOpen = Flag()
        let timer = channel.channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [channel] in
            stayedOpen.set()
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        let pdus: [PDU] = try await channel.executeThenClose { inbound, outbound in
            var reader = PDUReader(inbound: inbound.makeAsyncIterator())
            try await body(outbound, &reader)
            var pdus: [PDU] = []
            while pdus.count != closeAfter, let pdu = try await reader.next() { pdus.append(pdu) }
            return pdus
        }
        if stayedOpen.isSet { throw ConnectionStayedOpen(received: pdus) }
        return pdus
    }

    /// Sends the A-ASSOCIATE-RQ and waits for the A-ASSOCIATE-AC: a peer may send nothing
    /// else before it (PS3.8 Table 9-10, Sta5).
    func associate(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, _ reader: inout PDUReader) async throws {
        try await outbound.write(try bytes(.associateRequest(Self.request)))
        guard case .associateAccept? = try await reader.next() else { throw NotAccepted() }
    }

    struct NotAccepted: Error {}

    /// Writes its bytes when the connection becomes active.
    final class SendOnActive: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let bytes: ByteBuffer

        init(bytes: ByteBuffer) {
            self.bytes = bytes
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            context.fireChannelActive()
        }
    }

    struct ConnectionStayedOpen: Error {
        var received: [PDU]
    }

    func bytes(_ pdus: PDU...) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for pdu in pdus { try pdu.encode(into: &buffer) }
        return buffer
    }

    /// The server still answers a C-ECHO.
    func stillServes(_ port: Int) async throws {
        let association = try await DICOMClient.connect(
            host: "127.0.0.1", port: port, callingAETitle: "SCU", calledAETitle: "APUS")
        #expect(try await association.echo() == .success)
        try await association.release()
    }

    static let request = AssociateRequest(
        calledAETitle: "APUS", callingAETitle: "RAW",
        presentationContexts: [
            PresentationContextProposal(
                id: 1, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian]),
            PresentationContextProposal(
                id: 3, abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
        ],
        userInformation: UserInformation(maximumLength: 16_384))

    @Test func garbage() async throws {
        // The peer stays after the A-ABORT: ARTIM closes.
        try await withServer(policy: testPolicy(artim: .milliseconds(300))) { port in
            let pdus = try await exchange(
                port: port, initial: ByteBuffer(string: "GET / HTTP/1.1\r\nHost: apus\r\n\r\n"))
            #expect(pdus == [.abort(.serviceProvider(.unrecognizedPDU))])
            // The next peer associates and releases.
            let next = try await exchange(port: port, initial: try bytes(.associateRequest(Self.request))) {
                outbound, reader in
                guard case .associateAccept? = try await reader.next() else { throw NotAccepted() }
                try await outbound.write(try bytes(.releaseRequest))
            }
            #expect(next == [.releaseResponse])
        }
    }

    @Test func silentPeerIsClosedByARTIM() async throws {
        try await withServer(policy: testPolicy(artim: .milliseconds(300))) { port in
            let started = ContinuousClock.now
            let pdus = try await exchange(port: port)
            #expect(pdus == [])
            #expect(ContinuousClock.now - started >= .milliseconds(250))
        }
    }

    @Test func truncatedPDUThenClose() async throws {
        try await withServer { port in
            var whole = try bytes(.associateRequest(Self.request))
            let half = whole.readSlice(length: whole.readableBytes / 2) ?? ByteBuffer()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            try await channel.writeAndFlush(half).get()
            try await channel.close()
            try await stillServes(port)
        }
    }

    @Test func dataBeforeAssociation() async throws {
        // The peer stays after the A-ABORT: ARTIM closes.
        try await withServer(policy: testPolicy(artim: .milliseconds(300))) { port in
            let value = PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: [0]))
            let pdus = try await exchange(port: port, initial: try bytes(.data([value])))
            #expect(pdus == [.abort(.serviceProvider(.unexpectedPDU))])
        }
    }

    @Test func oversizedPDULength() async throws {
        // The peer stays after the A-ABORT: ARTIM closes.
        try await withServer(policy: testPolicy(artim: .milliseconds(300))) { port in
            // An A-ASSOCIATE-RQ header claiming 2 GiB: refused from the header, nothing allocated.
            let pdus = try await exchange(port: port, initial: ByteBuffer(bytes: [0x01, 0x00, 0x80, 0x00, 0x00, 0x00]))
            #expect(pdus == [.abort(.serviceProvider(.invalidPDUParameterValue))])
        }
    }

    @Test func oversizedDataPDUOnceAssociated() async throws {
        var policy = testPolicy()
        policy.maximumPDULength = 16_384
        try await withServer(policy: policy) { port in
            let pdus = try await exchange(port: port) { outbound, reader in
                try await associate(outbound, &reader)
                // P-DATA-TF claiming 16 KiB + 1.
                try await outbound.write(ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x00, 0x40, 0x01]))
            }
            #expect(pdus == [.abort(.serviceProvider(.invalidPDUParameterValue))])
        }
    }

    @Test func dataOnAContextNotAccepted() async throws {
        try await withServer { port in
            let command = try DIMSEMessage.cEchoRequest(CEchoRequest(messageID: 1)).encoded()
            let value = PresentationDataValue(contextID: 5, isCommand: true, isLast: true, data: command)
            let pdus = try await exchange(port: port, closeAfter: 1) { outbound, reader in
                try await associate(outbound, &reader)
                try await outbound.write(try bytes(.data([value])))
            }
            #expect(pdus == [.abort(.serviceProvider(.invalidPDUParameterValue))])
        }
    }

    @Test func peerAbortsMidStore() async throws {
        let storage = RecordingStorage()
        try await withServer(storage: storage) { port in
            let request = CStoreRequest(
                messageID: 1, affectedSOPClassUID: .ctImageStorage, affectedSOPInstanceUID: UID(unchecked: "1.2.3"))
            let command = try DIMSEMessage.cStoreRequest(request).encoded()
            let part = PresentationDataValue(
                contextID: 3, isCommand: false, isLast: false, data: ByteBuffer(repeating: 1, count: 1000))
            let pdus = try await exchange(port: port) { outbound, reader in
                try await associate(outbound, &reader)
                try await outbound.write(
                    try bytes(
                        .data([PresentationDataValue(contextID: 3, isCommand: true, isLast: true, data: command)]),
                        .data([part]), .data([part]), .abort(.serviceUser)))
            }
            #expect(pdus == [])
            try await stillServes(port)
        }
        let instance = try #require(storage.received.first)
        #expect(instance.bytes.readableBytes == 2000)
        #expect(instance.error?.contains("peer aborted") == true, "\(instance.error ?? "no error")")
    }

    @Test func associationLimitReached() async throws {
        var policy = testPolicy()
        policy.maximumAssociations = 2
        try await withServer(policy: policy) { port in
            let first = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "A", calledAETitle: "APUS")
            let second = try await DICOMClient.connect(
                host: "127.0.0.1", port: port, callingAETitle: "B", calledAETitle: "APUS")
            let pdus = try await exchange(port: port, closeAfter: 1) { outbound, _ in
                try await outbound.write(try bytes(.associateRequest(Self.request)))
            }
            #expect(
                pdus == [
                    .associateReject(
                        AssociateReject(result: .transient, source: .serviceProviderPresentation(.localLimitExceeded)))
                ])
            await first.abort()
            await second.abort()
            try await eventually { try await stillServes(port) }
        }
    }
}
