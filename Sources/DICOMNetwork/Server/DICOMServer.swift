public import NIOCore
import NIOPosix

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
        public var policy: AssociationPolicy
        /// Connections waiting to be accepted by the kernel.
        public var backlog: Int32

        public init(host: String = "0.0.0.0", port: Int = 104, policy: AssociationPolicy, backlog: Int32 = 256) {
            self.host = host
            self.port = port
            self.policy = policy
            self.backlog = backlog
        }
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
    /// the configured one is 0) once connections can come.
    public func run(onListening: @Sendable (SocketAddress) -> Void = { _ in }) async throws {
        let policy = configuration.policy
        let handler = UpperLayerHandler.Configuration(
            role: .acceptor, artimTimeout: TimeAmount(policy.artimTimeout),
            idleTimeout: policy.idleTimeout.map(TimeAmount.init), maximumPDULength: policy.maximumPDULength)
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try AssociationChannel.addHandlers(to: channel, configuration: handler)
                    return try AcceptorSession.Channel(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
                }
            }
        if let address = listener.channel.localAddress { onListening(address) }

        let session = AcceptorSession(
            services: services,
            negotiator: AssociationNegotiator(
                policy: policy, abstractSyntaxes: services.abstractSyntaxes,
                scuRoleSOPClasses: services.scuRoleSOPClasses),
            limiter: AssociationLimiter(limit: policy.maximumAssociations))
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await session.run(connection) }
                    }
                }
            }
        } catch is CancellationError {
            // Shutdown: the connections were told and have closed.
        }
    }
}
