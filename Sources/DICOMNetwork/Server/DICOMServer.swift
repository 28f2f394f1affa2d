public import NIOCore
import NIOPosix
import NIOSSL

/// A DICOM SCP: accepts associations over TCP and answers C-ECHO, C-STORE, C-FIND, C-GET and C-MOVE through
/// the services it is given (PS3.7, PS3.8).
///
/// `run()` is structured concurrency: it binds, serves every connection in a child task of a
/// discarding task group, and returns when its task is cancelled. Cancellation stops accepting
/// at once; each association lets the operation whose request has fully arrived finish and
/// answer, then sends A-ABORT and closes. (A C-STORE whose data set is still arriving when
/// the cancellation comes fails: its stream throws `AssociationInterrupted`.)
public struct DICOMServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; `run(onListening:)` says which.
        public var port: Int
        /// Whether `port` is listened on: false serves DICOM over TLS only (`tls` then required).
        public var servesPlain: Bool
        public var policy: AssociationPolicy
        /// Connections waiting to be accepted by the kernel.
        public var backlog: Int32
        /// A second listener, on the same host, for DICOM over TLS; its associations count
        /// against the same limit.
        public var tls: TLSListener?

        public init(
            host: String = "0.0.0.0", port: Int = 104, policy: AssociationPolicy, backlog: Int32 = 256,
            tls: TLSListener? = nil, servesPlain: Bool = true
        ) {
            self.host = host
            self.port = port
            self.servesPlain = servesPlain
            self.policy = policy
            self.backlog = backlog
            self.tls = tls
        }
    }

    /// The TLS listener's port (0 picks a free one) and its certificate files.
    public struct TLSListener: Sendable {
        public var port: Int
        public var configuration: ServerTLSConfiguration

        public init(port: Int, configuration: ServerTLSConfiguration) {
            self.port = port
            self.configuration = configuration
        }
    }

    /// A bound port: its channel, and the connections it accepted that no session has yet.
    private struct Listener: Sendable {
        let channel: NIOAsyncChannel<AcceptorSession.Channel, Never>
        let accepted: AcceptedConnections

        var address: SocketAddress? { channel.channel.localAddress }
    }

    public let configuration: Configuration
    /// The event loops of the connections: NIO's shared group unless one is given.
    private let services: ServerServices
    private let eventLoopGroup: any EventLoopGroup

    public init(
        configuration: Configuration,
        verification: any VerificationService = DefaultVerificationService(),
        storage: (any StorageService)? = nil,
        query: (any QueryService)? = nil,
        retrieve: (any RetrieveService)? = nil,
        eventLoopGroup: (any EventLoopGroup)? = nil
    ) {
        self.configuration = configuration
        self.services = ServerServices(
            verification: verification, storage: storage, query: query, retrieve: retrieve)
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
    }

    /// Binds and serves until cancelled; `onListening` gets the bound address (its port when
    /// the configured one is 0) once connections can come, `onTLSListening` the TLS
    /// listener's. Certificate files that can't be used throw `TLSFileError` before anything
    /// is bound.
    public func run(
        onListening: @Sendable (SocketAddress) -> Void = { _ in },
        onTLSListening: @Sendable (SocketAddress) -> Void = { _ in }
    ) async throws {
        let tlsContext: ServerTLSContext?
        if let tls = configuration.tls {
            tlsContext = try await ServerTLSContext.load(tls.configuration)
        } else {
            tlsContext = nil
        }
        let plain = configuration.servesPlain ? try await bind(port: configuration.port, tls: nil) : nil
        let secure: Listener?
        if let tls = configuration.tls, let tlsContext {
            do {
                secure = try await bind(port: tls.port, tls: tlsContext)
            } catch {
                try? await plain?.channel.channel.close()
                throw error
            }
        } else {
            secure = nil
        }
        if let address = plain?.address { onListening(address) }
        if let address = secure?.address { onTLSListening(address) }

        let policy = configuration.policy
        let session = AcceptorSession(
            services: services,
            negotiator: AssociationNegotiator(
                policy: policy, abstractSyntaxes: services.abstractSyntaxes,
                scuRoleSOPClasses: services.scuRoleSOPClasses),
            limiter: AssociationLimiter(limit: policy.maximumAssociations))
        do {
            try await withThrowingDiscardingTaskGroup { group in
                if let plain { group.addTask { try await Self.serve(plain, session: session) } }
                if let secure { group.addTask { try await Self.serve(secure, session: session) } }
                if let tlsContext { group.addTask { await tlsContext.watch() } }
            }
        } catch is CancellationError {
            // Shutdown: the connections were told and have closed.
        }
    }

    /// A listener whose connections start with the TLS handshake when `tls` is given.
    private func bind(port: Int, tls: ServerTLSContext?) async throws -> Listener {
        let policy = configuration.policy
        let handler = UpperLayerHandler.Configuration(
            role: .acceptor, artimTimeout: TimeAmount(policy.artimTimeout),
            idleTimeout: policy.idleTimeout.map(TimeAmount.init), maximumPDULength: policy.maximumPDULength)
        let accepted = AcceptedConnections()
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Refused once shutdown has begun. NIO leaves a connection whose set-up
                    // failed open, so it is closed here.
                    guard accepted.admit(channel) else {
                        channel.close(promise: nil)
                        throw ChannelError.ioOnClosedChannel
                    }
                    // The context of the moment: a rotated certificate serves from the next connection on.
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
                    }
                    try AssociationChannel.addHandlers(to: channel, configuration: handler)
                    return try AcceptorSession.Channel(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
                }
            }
        return Listener(channel: channel, accepted: accepted)
    }

    /// Accepts until the listener closes. Cancellation (shutdown) closes the connections not
    /// taken yet, then the listener, rather than ending the accept loop: a cancelled loop would
    /// drop the connections it holds at once, before they are closed (`AcceptedConnections`).
    /// So the loop runs in a task of its own, which the caller's cancellation does not reach,
    /// and hands every connection it gets to a session; once the listener is closed, the
    /// sessions are cancelled, as the ones in progress would have been.
    private static func serve(_ listener: Listener, session: AcceptorSession) async throws {
        let accepting = Task {
            try await listener.channel.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        listener.accepted.take(connection.channel)
                        group.addTask { await session.run(connection) }
                    }
                    group.cancelAll()
                }
            }
        }
        try await withTaskCancellationHandler {
            try await accepting.value
        } onCancel: {
            let channel = listener.channel.channel
            listener.accepted.closeUntaken(on: channel.eventLoop).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
