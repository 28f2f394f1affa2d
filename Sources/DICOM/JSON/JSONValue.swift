/// A parsed JSON text (RFC 8259). Numbers keep their text, so that DS, IS, SV and UV values
/// lose no digits on the way; objects keep their members in order, duplicates included.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The first member with this name.
    subscript(member name: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object.members.first { $0.name == name }?.value
    }

    /// What the value is, for error messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

struct JSONObject: Sendable, Equatable {
    var members: [JSONMember]
    /// Byte offset of the `{`, for error messages.
    var offset: Int
}

struct JSONMember: Sendable, Equatable {
    let name: String
    let value: JSONValue
}
