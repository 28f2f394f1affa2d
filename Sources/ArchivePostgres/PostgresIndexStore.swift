public import Archive
public import Logging
public import PostgresNIO
import Synchronization

/// The index for many replicas: PostgreSQL through a pool of connections (`PostgresClient`).
/// Every replica on one database behaves as one archive: registrations of one new study
/// from several of them make one study row (`INSERT … ON CONFLICT`), the change feed is
/// ordered by commit across them, and counts live in rows, never in a process.
///
/// The pool runs for the length of `withStore`, in a child task of the caller's: there is
/// no task without an owner, and leaving the scope closes every connection.
public final class PostgresIndexStore: IndexStore {
    public struct Configuration: Sendable {
        public var client: PostgresClient.Configuration
        /// Rows fetched per page of a query.
        public var pageSize: Int
        /// Attempts of one operation when the database answers with a transient failure
        /// (serialization failure, deadlock, lost connection during a restart).
        public var attempts: Int
        /// The wait before the second attempt; it doubles with each further one.
        public var retryDelay: Duration
        /// How long start-up waits for the database before it gives up.
        public var connectTimeout: Duration
        /// How long one operation waits for a connection of the pool. While PostgreSQL is down
        /// the pool keeps connecting and would hold requests until its circuit breaker trips
        /// (a minute): past this wait a store fails (A700) and readiness says 503 instead.
        public var connectionWait: Duration
        /// One connection start-up opens before the pool, so that a database that can't be
        /// used says why (authentication, a missing database, TLS) instead of a pool timing
        /// out. `init(url:)` sets it.
        public var probe: PostgresConnection.Configuration?

        /// The database, in the pool's configuration and the probe's.
        public var database: String? {
            get { client.database }
            set {
                client.database = newValue
                probe?.database = newValue
            }
        }

        public init(
            client: PostgresClient.Configuration, pageSize: Int = 256, attempts: Int = 6,
            retryDelay: Duration = .milliseconds(100), connectTimeout: Duration = .seconds(15),
            connectionWait: Duration = .seconds(2)
        ) {
            self.client = client
            self.pageSize = pageSize
            self.attempts = attempts
            self.retryDelay = retryDelay
            self.connectTimeout = connectTimeout
            self.connectionWait = connectionWait
        }
    }

    let client: PostgresClient
    let configuration: Configuration
    let logger: Logger
    private let closed = Atomic<Bool>(false)

    private init(client: PostgresClient, configuration: Configuration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the pool, brings the schema up to date (once, whatever the number of replicas
    /// starting), then gives the store to `body`; the pool stops when `body` returns or throws.
    /// A database that can't be reached within `connectTimeout` fails with
    /// `PostgresIndexError.unreachable`.
    public static func withStore<Result: Sendable>(
        configuration: Configuration, logger: Logger = Logger(label: "apus.index.postgres"),
        _ body: (PostgresIndexStore) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresIndexStore(client: client, configuration: configuration, logger: logger)
            try await store.migrate()
            return try await body(store)
        }
    }

    private func migrate() async throws {
        let client = self.client
        let logger = self.logger
        let probe = configuration.probe
        do {
            try await withDeadline(configuration.connectTimeout) {
                if let probe {
                    try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger).close()
                }
                try await PostgresMigrator.migrate(client, logger: logger)
            }
        } catch let error as IndexStoreError {
            throw error
        } catch {
            throw Self.startupFailure(error, configuration: configuration)
        }
        // Outside the deadline: after the upgrade to schema version 3 this computes the id of
        // every row stored before, which takes as long as the archive is large.
        try await fillMissingResourceIDs()
    }

    /// What went wrong reaching the database at start, in words: no answer in time, the
    /// server's refusal (authentication, a missing database), or the connection's failure
    /// (including the pool's circuit breaker after repeated connection failures).
    static func startupFailure(_ error: any Error, configuration: Configuration) -> PostgresIndexError {
        let client = configuration.client
        let unreachable = { (reason: String) in
            PostgresIndexError.unreachable(
                host: client.host ?? client.unixSocketPath ?? "?", port: client.port, reason: reason)
        }
        switch error {
        case is DeadlineExceeded:
            return unreachable("no answer within \(configuration.connectTimeout.components.seconds) s")
        case let error as PSQLError where error.code == .server:
            return PostgresIndexError.database(PostgresErrorText.describe(error))
        case let error as PSQLError:
            return unreachable(PostgresErrorText.describe(error))
        default:
            return unreachable("\(error)")
        }
    }

    public func close() async throws {
        // The pool itself stops with `withStore`; this only refuses further use.
        closed.store(true, ordering: .relaxed)
    }

    func checkOpen() throws {
        if closed.load(ordering: .relaxed) { throw PostgresIndexError.closed }
    }
}
