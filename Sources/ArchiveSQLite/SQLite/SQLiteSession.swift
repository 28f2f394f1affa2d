import CSQLite
import NIOCore

/// An open SQLite connection, used by one thread at a time (`SQLiteDatabase` sees to that).
/// Statements are prepared once and kept: compiling SQL costs more than running the small
/// statements of a registration, and the same few texts come back for every instance.
package final class SQLiteSession {
    private var handle: OpaquePointer?
    private var statements: [String: PreparedStatement] = [:]

    /// Statements kept at most; past that the cache starts again (query texts vary with
    /// their keys, registration texts don't).
    private static let cacheLimit = 256

    /// `SQLITE_TRANSIENT`: SQLite copies bound values before the bind call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(path: String) throws {
        var opened: OpaquePointer?
        // NOMUTEX: the connection is never used by two threads at once, so SQLite's own
        // per-call lock would only cost.
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = SQLiteError(code: code, handle: opened)
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        // WAL readers and the writer rarely wait on each other (a checkpoint, a recovery);
        // when they do, waiting a while beats failing a store.
        sqlite3_busy_timeout(opened, 30_000)
    }

    deinit { close() }

    /// The rows of one statement, all of them.
    package func rows(_ sql: String, _ binds: [SQLiteData] = []) throws -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        try run(sql, binds) { rows.append($0) }
        return rows
    }

    /// Runs one statement to completion, ignoring any rows.
    package func execute(_ sql: String, _ binds: [SQLiteData] = []) throws {
        try run(sql, binds) { _ in }
    }

    /// Finalizes the statements and closes the connection; later calls fail.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement.pointer) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    private func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteRow) -> Void) throws {
        let statement = try prepared(sql)
        let pointer = statement.pointer
        defer {
            sqlite3_reset(pointer)
            sqlite3_clear_bindings(pointer)
        }
        try bind(binds, to: statement)
        while true {
            let code = sqlite3_step(pointer)
            switch code {
            case SQLITE_ROW: onRow(SQLiteRow(names: statement.names, values: values(of: statement)))
            case SQLITE_DONE: return
            default: throw SQLiteError(code: code, handle: handle)
            }
        }
    }

    private func prepared(_ sql: String) throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            sqlite3_finalize(pointer)
            throw SQLiteError(code: code == SQLITE_OK ? SQLITE_MISUSE : code, handle: handle)
        }
        let names = (0..<sqlite3_column_count(pointer)).map { String(cString: sqlite3_column_name(pointer, $0)) }
        let statement = PreparedStatement(pointer: pointer, names: names)
        if statements.count >= Self.cacheLimit {
            for old in statements.values { sqlite3_finalize(old.pointer) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ binds: [SQLiteData], to statement: PreparedStatement) throws {
        let pointer = statement.pointer
        for (offset, value) in binds.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let integer): code = sqlite3_bind_int64(pointer, position, Int64(integer))
            case .float(let double): code = sqlite3_bind_double(pointer, position, double)
            case .text(let text):
                code = text.withCString {
                    sqlite3_bind_text64(
                        pointer, position, $0, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let buffer):
                // A null pointer would bind NULL, not an empty blob.
                if buffer.readableBytes == 0 {
                    code = sqlite3_bind_zeroblob(pointer, position, 0)
                } else {
                    code = buffer.withUnsafeReadableBytes {
                        sqlite3_bind_blob64(pointer, position, $0.baseAddress, UInt64($0.count), Self.transient)
                    }
                }
            case .null: code = sqlite3_bind_null(pointer, position)
            }
            guard code == SQLITE_OK else { throw SQLiteError(code: code, handle: handle) }
        }
    }

    private func values(of statement: PreparedStatement) -> [SQLiteData] {
        let pointer = statement.pointer
        return (0..<Int32(statement.names.count)).map { column in
            switch sqlite3_column_type(pointer, column) {
            case SQLITE_INTEGER: return .integer(Int(sqlite3_column_int64(pointer, column)))
            case SQLITE_FLOAT: return .float(sqlite3_column_double(pointer, column))
            case SQLITE_TEXT:
                // Text first, then its length: the order SQLite documents as safe.
                guard let text = sqlite3_column_text(pointer, column) else { return .text("") }
                let count = Int(sqlite3_column_bytes(pointer, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                guard let bytes = sqlite3_column_blob(pointer, column) else { return .blob(ByteBuffer()) }
                let count = Int(sqlite3_column_bytes(pointer, column))
                return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: count)))
            default: return .null
            }
        }
    }
}

/// A compiled statement and its result columns' names.
private final class PreparedStatement {
    let pointer: OpaquePointer
    let names: [String]

    init(pointer: OpaquePointer, names: [String]) {
        self.pointer = pointer
        self.names = names
    }
}
