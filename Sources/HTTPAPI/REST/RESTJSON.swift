import Foundation
import Hummingbird
import NIOCore

/// A JSON value of the REST API, written as Orthanc writes its answers (members sorted by
/// name, indented), and read from request bodies.
indirect enum RESTJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([RESTJSON])
    case object([String: RESTJSON])

    init(_ text: String?) {
        self = text.map { .string($0) } ?? .null
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RESTJSON].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: RESTJSON].self) {
            self = .object(value)
        } else {
            // A fractional number (Int failed above): a member that wants a count refuses it.
            self = .double(try container.decode(Double.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    subscript(key: String) -> RESTJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The text of the answer.
    func encoded() -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every case encodes; a failure would be a bug in `encode(to:)`, answered as null.
        let data = (try? encoder.encode(self)) ?? Data("null".utf8)
        var buffer = ByteBuffer(bytes: data)
        buffer.writeString("\n")
        return buffer
    }

    /// A JSON document of a request body; nil when it is not JSON.
    static func parse(_ body: ByteBuffer) -> RESTJSON? {
        try? JSONDecoder().decode(RESTJSON.self, from: Data(body.readableBytesView))
    }

    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: encoded()))
    }
}
