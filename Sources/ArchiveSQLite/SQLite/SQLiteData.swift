package import NIOCore

/// A value as SQLite stores it: bound to a statement's `?` or read from a result column.
package enum SQLiteData: Sendable, Hashable {
    case integer(Int)
    case float(Double)
    case text(String)
    case blob(ByteBuffer)
    case null

    /// The value as an integer; text and floating-point values convert as SQLite's own
    /// affinity rules would for a number.
    package var integer: Int? {
        switch self {
        case .integer(let value): value
        case .float(let value): Int(exactly: value.rounded(.towardZero))
        case .text(let value): Int(value)
        case .blob, .null: nil
        }
    }

    package var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .float(let value): value
        case .text(let value): Double(value)
        case .blob, .null: nil
        }
    }

    package var string: String? {
        switch self {
        case .integer(let value): String(value)
        case .float(let value): String(value)
        case .text(let value): value
        case .blob, .null: nil
        }
    }

    package var blob: ByteBuffer? {
        if case .blob(let value) = self { value } else { nil }
    }
}

/// One result row: the statement's column names (shared by all its rows) and the values.
package struct SQLiteRow: Sendable {
    let names: [String]
    let values: [SQLiteData]

    /// The value of the column of that name (as the query's `AS` gave it), or nil if the
    /// statement has no such column.
    package func column(_ name: String) -> SQLiteData? {
        names.firstIndex(of: name).map { values[$0] }
    }
}
