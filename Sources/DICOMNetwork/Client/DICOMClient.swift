import DICOM
public import NIOCore
import NIOPosix
import NIOSSL

/// A DICOM SCU: opens associations to peers (PS3.8 §7.1) and runs DIMSE operations on them
/// through `ClientAssociation`.
public enum DICOMClient {
    /// Timeouts and the event loops; the defaults suit a LAN peer.
    public struct Options: Sendable {
        public var connectTimeout: Duration
        /// Waiting for the A-ASSOCIATE-AC or -RJ, and for the A-RELEASE-RP.
        public var associationTimeout: Duration
        /// Waiting for each DIMSE response; nil waits forever.
        public var responseTimeout: Duration?
        /// How long we wait for the peer to close after an abort (ARTIM, PS3.8 §9.1.5).
        public var artimTimeout: Duration
        /// NIO's shared group when nil.
        public var eventLoopGroup: (any EventLoopGroup)?
        /// Requests we offer to have outstanding at once (an asynchronous operations window,
        /// PS3.7 D.3.3.3); 1 proposes none, and the association is synchronous. The peer may
        /// allow fewer: the association's `context.operationsInvoked` says how many.
        public var operationsWindow: Int

        public init(
            connectTimeout: Duration = .seconds(10), associationTimeout: Duration = .seconds(30),
            responseTimeout: Duration? = .seconds(60), artimTimeout: Duration = .seconds(30),
            eventLoopGroup: (any EventLoopGroup)? = nil, operationsWindow: Int = 1
        ) {
            self.connectTimeout = connectTimeout
            self.associationTimeout = associationTimeout
            self.responseTimeout = responseTimeout
            self.artimTimeout = artimTimeout
            self.eventLoopGroup = eventLoopGroup
            self.operationsWindow = max(1, min(operationsWindow, Int(UInt16.max)))
        }
    }

    /// Connects and negotiates an association. `roleSelections` offer roles other than SCU
    /// (PS3.7 D.3.3.4): the SCP role for the storage SOP classes a C-GET brings back. With `tls`,
    /// the association runs over TLS (PS3.15 Annex B). Throws `DICOMClientError.rejected` with the
    /// peer's reason, `.timedOut`, `.tlsHandshakeFailed`, or `.ended` when the peer aborts or
    /// closes instead; `TLSFileError` when a certificate, key or CA file can't be used.
    /// `userIdentity` goes in a User Identity sub-item (PS3.7 D.3.3.7); the peer's answer, if it
    /// sent one, is the context's `userIdentityServerResponse`.
    public static func connect(
        host: String, port: Int, callingAETitle: String, calledAETitle: String,
        presentationContexts: [ProposedPresentationContext] = [.verification],
        roleSelections: [UserInformation.RoleSelection] = [],
        maximumPDULength: UInt32 = 131_072,
        userIdentity: UserInformation.UserIdentity? = nil,
        tls: ClientTLSConfiguration? = nil,
        options: Options = Options()
    ) async throws -> ClientAssociation {
        for title in [callingAETitle, calledAETitle] where title.isEmpty || title.utf8.count > 16 {
            throw DICOMClientError.invalidProposal("AE title \"\(title)\" is not 1 to 16 characters")
        }
        let limit = min(
            max(maximumPDULength, AssociationPolicy.maximumPDULengthRange.lowerBound),
            AssociationPolicy.maximumPDULengthRange.upperBound)
        var request = AssociateRequest(
            calledAETitle: calledAETitle, callingAETitle: callingAETitle,
            presentationContexts: try ProposedPresentationContext.numbered(presentationContexts),
            userInformation: UserInformation(
                maximumLength: limit, implementationClassUID: Implementation.classUID, roleSelections: roleSelections,
                implementationVersionName: Implementation.versionName, userIdentity: userIdentity))
        if options.operationsWindow > 1 {
            request.userInformation.asynchronousOperationsWindow = .init(
                maximumOperationsInvoked: UInt16(options.operationsWindow), maximumOperationsPerformed: 1)
        }

        let indications = IndicationQueue()
        let handler = UpperLayerHandler.Configuration(
            role: .requestor, artimTimeout: TimeAmount(options.artimTimeout), idleTimeout: nil,
            maximumPDULength: limit)
        let tlsContext = try await tls?.context()
        // NIOSSL checks the certificate against the address connected to when there is no name.
        let serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let loop = (options.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
        let handshake = tlsContext.map { _ in loop.makePromise(of: Void.self) }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(TimeAmount(options.connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        if let tlsContext, let handshake {
                            try operations.addHandler(
                                NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                            try operations.addHandler(TLSHandshakeWatcher(promise: handshake))
                        }
                        try AssociationChannel.addHandlers(to: channel, configuration: handler)
                        try operations.addHandler(IndicationRelay(indications))
                    }
                }
                .connect(host: host, port: port).get()
        } catch ChannelError.connectTimeout {
            handshake?.fail(DICOMClientError.timedOut(.connect))
            throw DICOMClientError.timedOut(.connect)
        } catch {
            handshake?.fail(error)
            throw error
        }
        if let handshake { try await waitForHandshake(handshake.futureResult, on: channel, options: options) }
        return try await ClientAssociation.establish(
            channel: channel, request: request, indications: indications, options: options)
    }

    /// The TLS handshake, within the association timeout (the association request waits for it).
    private static func waitForHandshake(_ handshake: EventLoopFuture<Void>, on channel: any Channel, options: Options)
        async throws
    {
        let fired = Flag()
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(options.associationTimeout)) {
            fired.set()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            try await handshake.get()
        } catch {
            channel.close(promise: nil)
            if fired.isSet { throw DICOMClientError.timedOut(.association) }
            throw DICOMClientError.tlsHandshakeFailed("\(error)")
        }
    }
}
