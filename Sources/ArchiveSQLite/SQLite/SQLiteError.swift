import CSQLite

/// A failure SQLite reported, with its (extended) result code and message.
package struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    package let code: Int32
    package let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The error SQLite has recorded on a connection for the call that returned `code`.
    init(code: Int32, handle: OpaquePointer?) {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        self.init(code: code, message: message ?? String(cString: sqlite3_errstr(code)))
    }

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …) without the extension.
    package var primaryCode: Int32 { code & 0xff }

    package var description: String { "SQLite error \(code): \(message)" }
}
