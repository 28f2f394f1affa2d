public import Archive
public import Logging
import NIOCore
public import NIOPosix
import Synchronization

/// The embedded index: one SQLite file in WAL mode, one writer connection (with group
/// commit, see `SQLiteWriter`) and a few reader connections, which WAL lets read while the
/// writer writes. Queries page through results by primary key, so a query matching a
/// million rows holds one page in memory and no long read transaction.
public final class SQLiteIndexStore: IndexStore {
    public struct Configuration: Sendable, Hashable {
        /// Reader connections, used in turn.
        public var readers: Int
        /// `FULL` syncs the WAL at every commit, so that what the peer was told is stored
        /// survives a power cut; `NORMAL` survives a crash of the process only.
        public var synchronousFull: Bool
        /// Most registrations one transaction commits together.
        public var maximumBatch: Int
        /// Rows fetched per page of a query.
        public var pageSize: Int

        public init(readers: Int = 2, synchronousFull: Bool = true, maximumBatch: Int = 64, pageSize: Int = 256) {
            self.readers = readers
            self.synchronousFull = synchronousFull
            self.maximumBatch = maximumBatch
            self.pageSize = pageSize
        }
    }

    public let path: String
    let configuration: Configuration
    let writer: SQLiteWriter
    private let readers: [SQLiteDatabase]
    private let nextReader = Atomic<Int>(0)
    let logger: Logger

    private init(
        path: String, configuration: Configuration, writer: SQLiteWriter, readers: [SQLiteDatabase], logger: Logger
    ) {
        self.path = path
        self.configuration = configuration
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the index at `path` and brings its schema up to date.
    public static func open(
        path: String, configuration: Configuration = Configuration(), threadPool: NIOThreadPool = .singleton,
        logger: Logger = Logger(label: "apus.index.sqlite")
    ) async throws -> SQLiteIndexStore {
        let writerConnection = try await SQLiteDatabase.open(path: path, threadPool: threadPool)
        var readers: [SQLiteDatabase] = []
        do {
            try await writerConnection.run { session in
                try session.execute("PRAGMA journal_mode = WAL")
                try session.execute(
                    configuration.synchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                try session.execute("PRAGMA foreign_keys = ON")
                try Migrator.migrate(session, logger: logger)
            }
            for _ in 0..<max(1, configuration.readers) {
                let reader = try await SQLiteDatabase.open(path: path, threadPool: threadPool)
                readers.append(reader)
                try await reader.run { try $0.execute("PRAGMA query_only = ON") }
            }
        } catch {
            for reader in readers { await reader.close() }
            await writerConnection.close()
            throw error
        }
        let writer = SQLiteWriter(connection: writerConnection, maximumBatch: configuration.maximumBatch)
        return SQLiteIndexStore(
            path: path, configuration: configuration, writer: writer, readers: readers, logger: logger)
    }

    /// A reader connection, in turn.
    var reader: SQLiteDatabase {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return readers[index % readers.count]
    }

    public func close() async throws {
        for connection in readers + [writer.connection] { await connection.close() }
    }
}
