/// The body of `POST /v1/channels/{channel_id}/messages` (API.md section 4), as a client
/// sends it. The server validates the raw JSON itself, so each rule gets its own error.
public struct CreateMessagesRequest: Codable, Hashable, Sendable {
    public struct Actor: Codable, Hashable, Sendable {
        public var id: String
        public var name: String?
        public init(id: String, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    public struct BlockInput: Codable, Hashable, Sendable {
        public var type: Block.Kind
        public var name: String
        public var content: String
        public init(type: Block.Kind, name: String, content: String) {
            self.type = type
            self.name = name
            self.content = content
        }
    }

    public var recipients: [String]
    public var source: String?
    public var tenant: String?
    public var actor: Actor?
    public var data: [String: JSONValue]?
    public var blocks: [BlockInput]

    public init(
        recipients: [String], source: String? = nil, tenant: String? = nil, actor: Actor? = nil,
        data: [String: JSONValue]? = nil, blocks: [BlockInput]
    ) {
        self.recipients = recipients
        self.source = source
        self.tenant = tenant
        self.actor = actor
        self.data = data
        self.blocks = blocks
    }
}

/// The `201` answer to a create: one entry per recipient, in the order of `recipients`.
public struct CreateMessagesResponse: Codable, Hashable, Sendable {
    public struct Created: Codable, Hashable, Sendable {
        public var id: String
        public var recipient: String
        public var channelID: String
        public var insertedAt: String

        public init(id: String, recipient: String, channelID: String, insertedAt: String) {
            self.id = id
            self.recipient = recipient
            self.channelID = channelID
            self.insertedAt = insertedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, recipient
            case channelID = "channel_id"
            case insertedAt = "inserted_at"
        }
    }

    public var messages: [Created]

    public init(messages: [Created]) { self.messages = messages }
}

/// The body of every error answer (API.md section 8).
public struct ErrorResponse: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        public var code: String
        public var message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var error: Detail

    public init(code: String, message: String) { self.error = Detail(code: code, message: message) }
}
