import DICOM
import NIOCore
import NIOEmbedded
import Testing

@testable import DICOMNetwork

/// The state machine's handler on an `EmbeddedChannel`: bytes in, bytes out, a mock clock.
@Suite("Upper layer handler")
struct UpperLayerHandlerTests {
    static let artim = TimeAmount.seconds(30)

    func acceptorChannel(maximumPDULength: UInt32 = 131_072, idle: TimeAmount? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try AssociationChannel.addHandlers(
            to: channel,
            configuration: .init(
                role: .acceptor, artimTimeout: Self.artim, idleTimeout: idle, maximumPDULength: maximumPDULength))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 104)).wait()
        return channel
    }

    static let request = AssociateRequest(
        calledAETitle: "APUS", callingAETitle: "SCU",
        presentationContexts: [
            PresentationContextProposal(
                id: 1, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian])
        ],
        userInformation: UserInformation(maximumLength: 16_384))

    static let accept = AssociateAccept(
        calledAETitle: "APUS", callingAETitle: "SCU",
        presentationContexts: [
            PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .implicitVRLittleEndian)
        ])

    func bytes(_ pdu: PDU) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try pdu.encode(into: &buffer)
        return buffer
    }

    /// The PDUs the handler wrote, decoded.
    func written(_ channel: EmbeddedChannel) throws -> [PDU] {
        var pdus: [PDU] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            while let pdu = try PDU.decode(from: &buffer, maximumLength: .max) { pdus.append(pdu) }
        }
        return pdus
    }

    func established() throws -> EmbeddedChannel {
        let channel = try acceptorChannel()
        try channel.writeInbound(bytes(.associateRequest(Self.request)))
        #expect(try channel.readInbound(as: AssociationStateMachine.Indication.self) == .associateRequest(Self.request))
        try channel.writeOutbound(PDU.associateAccept(Self.accept))
        #expect(try written(channel) == [.associateAccept(Self.accept)])
        return channel
    }

    @Test func silentPeerIsClosedWhenARTIMExpires() throws {
        let channel = try acceptorChannel()
        channel.embeddedEventLoop.advanceTime(by: Self.artim - .seconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(try written(channel) == [])
    }

    @Test func associationRequestStopsARTIM() throws {
        let channel = try established()
        channel.embeddedEventLoop.advanceTime(by: Self.artim * 2)
        #expect(channel.isActive)
        _ = try? channel.finish()
    }

    @Test func garbageIsAbortedAsAnUnrecognizedPDU() throws {
        let channel = try acceptorChannel()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: apus\r\n\r\n"))
        #expect(try written(channel) == [.abort(.serviceProvider(.unrecognizedPDU))])
        #expect(try channel.readInbound(as: AssociationStateMachine.Indication.self) == nil)
        // The peer stays: ARTIM closes the connection.
        channel.embeddedEventLoop.advanceTime(by: Self.artim)
        #expect(!channel.isActive)
    }

    @Test func dataBeforeAssociationIsAbortedAsUnexpected() throws {
        let channel = try acceptorChannel()
        let value = PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: [0]))
        try channel.writeInbound(bytes(.data([value])))
        #expect(try written(channel) == [.abort(.serviceProvider(.unexpectedPDU))])
        // The peer closes: nothing is left to do, nothing is indicated.
        channel.pipeline.fireChannelInactive()
        #expect(try channel.readInbound(as: AssociationStateMachine.Indication.self) == nil)
    }

    @Test func oversizedAssociationRequestIsRefusedFromItsHeader() throws {
        let channel = try acceptorChannel()
        // An A-ASSOCIATE-RQ header announcing 1 MiB: refused before the body is read.
        try channel.writeInbound(ByteBuffer(bytes: [0x01, 0x00, 0x00, 0x10, 0x00, 0x00]))
        #expect(try written(channel) == [.abort(.serviceProvider(.invalidPDUParameterValue))])
    }

    @Test func pduLimitGrowsOnceEstablished() throws {
        let channel = try established()
        // 100 KiB: above the limit while associating, below our maximum of 128 KiB.
        let big = PresentationDataValue(
            contextID: 1, isCommand: false, isLast: true, data: ByteBuffer(repeating: 7, count: 100 * 1024))
        try channel.writeInbound(bytes(.data([big])))
        #expect(try channel.readInbound(as: AssociationStateMachine.Indication.self) == .data([big]))
        // Above our maximum: A-ABORT, and the user is told.
        try channel.writeInbound(ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x03, 0x00, 0x00]))
        #expect(try written(channel) == [.abort(.serviceProvider(.invalidPDUParameterValue))])
        #expect(
            try channel.readInbound(as: AssociationStateMachine.Indication.self)
                == .providerAbort(.invalidPDUParameterValue))
    }

    @Test func writesTheTableRefusesFail() throws {
        let channel = try acceptorChannel()
        let value = PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: [0]))
        #expect(throws: AssociationStateMachine.InvalidPrimitive.self) { try channel.writeOutbound(PDU.data([value])) }
    }

    @Test func releaseThenARTIMWhenThePeerStays() throws {
        let channel = try established()
        try channel.writeInbound(bytes(.releaseRequest))
        #expect(try channel.readInbound(as: AssociationStateMachine.Indication.self) == .releaseRequest)
        try channel.writeOutbound(PDU.releaseResponse)
        #expect(try written(channel) == [.releaseResponse])
        channel.embeddedEventLoop.advanceTime(by: Self.artim)
        #expect(!channel.isActive)
    }

    @Test func idleAssociationIsAborted() throws {
        let channel = EmbeddedChannel()
        try AssociationChannel.addHandlers(
            to: channel,
            configuration: .init(
                role: .acceptor, artimTimeout: Self.artim, idleTimeout: .seconds(60), maximumPDULength: 65_536))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 104)).wait()
        try channel.writeInbound(bytes(.associateRequest(Self.request)))
        _ = try channel.readInbound(as: AssociationStateMachine.Indication.self)
        try channel.writeOutbound(PDU.associateAccept(Self.accept))
        _ = try written(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(try written(channel) == [])
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try written(channel) == [.abort(.serviceUser)])
        channel.embeddedEventLoop.advanceTime(by: Self.artim)
        #expect(!channel.isActive)
    }
}
