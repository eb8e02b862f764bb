import Foundation
import TidingsAPI
import TidingsCore
import TidingsStore

/// Checks a create body against every rule of API.md section 4 and prepares it for the
/// store, rendering its blocks. Each broken rule is a `422` naming its field.
struct CreateMessagesValidator: Sendable {
    static let maxRecipients = 1000
    static let maxBlocks = 10
    static let maxContentBytes = 16 * 1024
    static let maxDataBytes = 32 * 1024
    static let maxKeyBytes = 256

    let markdown: SafeMarkdown

    func validate(_ body: JSONValue, channelID: String) throws(TidingsError) -> NewMessages {
        guard let fields = body.objectValue else { throw .invalidField("body", "The body must be a JSON object.") }
        let blocks = try self.blocks(fields["blocks"])
        return NewMessages(
            channelID: channelID,
            recipients: try Self.recipients(fields["recipients"]),
            source: try Self.optionalKey(fields["source"], field: "source"),
            tenant: try Self.optionalKey(fields["tenant"], field: "tenant"),
            actorsJSON: try Self.actorsJSON(fields["actor"]),
            dataJSON: try Self.dataJSON(fields["data"]),
            blocksJSON: try Self.encode(blocks, field: "blocks"))
    }

    static func recipients(_ value: JSONValue?) throws(TidingsError) -> [String] {
        guard let items = value?.arrayValue, (1...maxRecipients).contains(items.count) else {
            throw .invalidField("recipients", "recipients must be an array of 1-\(maxRecipients) user ids.")
        }
        var seen = Set<String>()
        var recipients = [String]()
        recipients.reserveCapacity(items.count)
        for item in items {
            guard let id = item.stringValue, Identifiers.isValidUserID(id) else {
                throw .invalidField("recipients", "Each recipient must be a user id of 1-256 bytes, no control characters.")
            }
            guard seen.insert(id).inserted else {
                throw .invalidField("recipients", "recipients must be distinct; \(id.debugDescription) repeats.")
            }
            recipients.append(id)
        }
        return recipients
    }

    static func optionalKey(_ value: JSONValue?, field: String) throws(TidingsError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)? where !text.isEmpty && text.utf8.count <= maxKeyBytes
            && !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }):
            return text
        default: throw .invalidField(field, "\(field) must be a string of 1-\(maxKeyBytes) bytes.")
        }
    }

    static func actorsJSON(_ value: JSONValue?) throws(TidingsError) -> String {
        switch value {
        case nil, .null?: return "[]"
        case .object(let actor)? where actor["id"]?.stringValue.map({ !$0.isEmpty && $0.utf8.count <= 256 }) == true:
            return try encode([JSONValue.object(actor)], field: "actor")
        default: throw .invalidField("actor", "actor must be an object with a string id.")
        }
    }

    static func dataJSON(_ value: JSONValue?) throws(TidingsError) -> String {
        switch value {
        case nil, .null?: return "{}"
        case .object?:
            let json = try encode(value, field: "data")
            guard json.utf8.count <= maxDataBytes else {
                throw .invalidField("data", "data must be at most \(maxDataBytes) bytes encoded.")
            }
            return json
        default: throw .invalidField("data", "data must be a JSON object.")
        }
    }

    func blocks(_ value: JSONValue?) throws(TidingsError) -> [Block] {
        guard let items = value?.arrayValue, (1...Self.maxBlocks).contains(items.count) else {
            throw .invalidField("blocks", "blocks must be an array of 1-\(Self.maxBlocks) blocks.")
        }
        var blocks = [Block]()
        for item in items {
            guard let fields = item.objectValue, let type = fields["type"]?.stringValue.flatMap(Block.Kind.init) else {
                throw .invalidField("blocks", "Each block must be an object with type \"markdown\" or \"text\".")
            }
            guard let content = fields["content"]?.stringValue else {
                throw .invalidField("blocks", "Each block must have a string content.")
            }
            guard content.utf8.count <= Self.maxContentBytes else {
                throw .invalidField("blocks", "A block's content must be at most \(Self.maxContentBytes) bytes.")
            }
            let name: String
            switch fields["name"] {
            case nil, .null?: name = "body"
            case .string(let text)? where !text.isEmpty && text.utf8.count <= Self.maxKeyBytes: name = text
            default: throw .invalidField("blocks", "A block's name must be a string of 1-\(Self.maxKeyBytes) bytes.")
            }
            let rendered = type == .markdown ? markdown.html(content) : HTMLText.escape(content)
            blocks.append(Block(type: type, name: name, content: content, rendered: rendered))
        }
        return blocks
    }

    static func encode(_ value: some Encodable, field: String) throws(TidingsError) -> String {
        do {
            return String(decoding: try JSONEncoder.wire.encode(value), as: UTF8.self)
        } catch {
            throw .invalidField(field, "\(field) cannot be encoded as JSON.")
        }
    }
}
