import NIOCore
import NIOSSL

/// One connection to the server, from the A-ASSOCIATE-RQ to the close: negotiation, then the
/// association's messages until release or abort.
struct AcceptorSession: Sendable {
    typealias Channel = NIOAsyncChannel<AssociationStateMachine.Indication, PDU>

    let services: ServerServices
    let negotiator: AssociationNegotiator
    let limiter: AssociationLimiter

    /// Never throws: whatever one peer does ends its own connection only.
    func run(_ channel: Channel) async {
        let peer = channel.channel.remoteAddress
        let transport = channel.channel
        try? await channel.executeThenClose { inbound, outbound in
            // The async writer refuses writes from a cancelled task; at shutdown the answer still
            // owed and the A-ABORT go straight to the channel instead (after the writer's last
            // write: both reach the event loop in order).
            let write: @Sendable ([PDU]) async throws -> Void = { pdus in
                do {
                    try await outbound.write(contentsOf: pdus)
                } catch is CancellationError {
                    try await transport.write(pdus: pdus)
                }
            }
            var indications = inbound.makeAsyncIterator()
            // The handler indicates nothing else first; garbage, a silent peer (ARTIM) or an
            // early close end the stream without an A-ASSOCIATE-RQ.
            guard case .associateRequest(let request)? = try await indications.next() else { return }
            let admitted = limiter.enter()
            defer { if admitted { limiter.leave() } }
            // Over TLS, the certificate the handshake verified; a plain channel has no TLS handler.
            let certificate =
                negotiator.policy.requestorCheck == nil
                ? nil : try? await transport.nioSSL_peerCertificate().get()?.toDERBytes()
            let outcome = negotiator.negotiate(
                request, admitted: admitted, peerHost: peer?.ipAddress, peerPort: peer?.port,
                peerCertificate: certificate)
            switch outcome {
            case .reject(let reject):
                try await outbound.write(.associateReject(reject))
                // The peer closes, or ARTIM does (AE-8); nothing is indicated meanwhile.
                while try await indications.next() != nil {}
            case .accept(let accept, let context):
                try await outbound.write(.associateAccept(accept))
                let sender = try MessageSender(maximumPDULength: context.sendingPDULength, write: write)
                let association = AcceptorAssociation(
                    context: context, services: services, sender: sender, writePDU: { pdu in try await write([pdu]) })
                var reader = MessageReader(
                    indications: indications, acceptedContexts: Set(context.presentationContexts.map(\.id)))
                await association.serve(&reader)
            }
        }
    }
}
