import Foundation
import Hummingbird
import TidingsAPI

/// A create body, decoded into the same `JSONValue` as `JSONValue.parse` gives, but with
/// each known field tried first as the shape it should have. Decoding an arbitrary value
/// into `JSONValue` costs a thrown `DecodingError` (with its formatted description) for
/// each kind tried before the right one, fourteen for a one-block, one-recipient create,
/// and a `JSONValue` per recipient. A well-formed body here throws none (serial
/// 1,000-recipient creates: 11.17 → 10.83 ms of server CPU each); a field of another shape
/// falls back to the generic decoding, so the validator sees exactly what it saw before.
struct CreateMessagesBody: Decodable {
    let value: JSONValue

    /// Parses a request body, or throws `400 invalid_json` (as `JSONValue.parse`).
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONValue.decodeBody(Self.self, from: buffer).value
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else {
            value = try JSONValue(from: decoder)  // not an object: the validator says so
            return
        }
        var fields = [String: JSONValue]()
        for key in container.allKeys {
            fields[key.stringValue] = try Self.field(key, in: container)
        }
        value = .object(fields)
    }

    private static func field(_ key: Key, in container: KeyedDecodingContainer<Key>) throws -> JSONValue {
        switch key.stringValue {
        case "recipients":
            if let recipients = try? container.decode([String].self, forKey: key) {
                return .array(recipients.map(JSONValue.string))
            }
        case "blocks":
            if let blocks = try? container.decode([[String: JSONValue]].self, forKey: key) {
                return .array(blocks.map(JSONValue.object))
            }
        case "actor", "data":
            if let object = try? container.decode([String: JSONValue].self, forKey: key) {
                return .object(object)
            }
        default:
            break
        }
        return try container.decode(JSONValue.self, forKey: key)
    }
}
