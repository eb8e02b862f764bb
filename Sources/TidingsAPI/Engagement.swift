/// An engagement change a per-message, batch or bulk call makes (API.md section 6).
public enum EngagementAction: String, Codable, Sendable, CaseIterable {
    case seen, unseen, read, unread, archived, unarchived, interacted

    /// Parses an action as a path names it, accepting the bulk aliases `archive` / `unarchive`.
    public init?(pathComponent: String, allowAliases: Bool = false) {
        switch pathComponent {
        case "archive" where allowAliases: self = .archived
        case "unarchive" where allowAliases: self = .unarchived
        default: self.init(rawValue: pathComponent)
        }
    }

    /// The flag the action changes.
    public var flag: String {
        switch self {
        case .seen, .unseen: "seen"
        case .read, .unread: "read"
        case .archived, .unarchived: "archived"
        case .interacted: "interacted"
        }
    }

    /// Whether the action sets its flag (as opposed to clearing it).
    public var sets: Bool {
        switch self {
        case .seen, .read, .archived, .interacted: true
        case .unseen, .unread, .unarchived: false
        }
    }

    /// The timeline event type an actual change records (`message.read`, …).
    public var eventType: String { "message.\(rawValue)" }

    /// The operation name Knock gives a bulk of this action (`mark_as_read`, …).
    public var bulkName: String {
        switch self {
        case .seen: "mark_as_seen"
        case .unseen: "mark_as_unseen"
        case .read: "mark_as_read"
        case .unread: "mark_as_unread"
        case .archived: "mark_as_archived"
        case .unarchived: "mark_as_unarchived"
        case .interacted: "mark_as_interacted"
        }
    }
}

/// One entry of a message's timeline (`GET /v1/messages/{id}/events`).
public struct MessageEvent: Codable, Hashable, Sendable {
    public var id: String
    public var type: String
    public var insertedAt: String
    public var data: JSONValue?

    public init(id: String, type: String, insertedAt: String, data: JSONValue? = nil) {
        self.id = id
        self.type = type
        self.insertedAt = insertedAt
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case id, type, data
        case insertedAt = "inserted_at"
    }
}

/// `{"items": [...]}`: a message's timeline, oldest first.
public struct MessageEventList: Codable, Hashable, Sendable {
    public var items: [MessageEvent]
    public init(items: [MessageEvent]) { self.items = items }
}

/// The body of `POST /v1/messages/batch/{action}`.
public struct BatchRequest: Codable, Hashable, Sendable {
    public var messageIDs: [String]
    public var metadata: [String: JSONValue]?

    public init(messageIDs: [String], metadata: [String: JSONValue]? = nil) {
        self.messageIDs = messageIDs
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case messageIDs = "message_ids"
        case metadata
    }
}

/// The body of `PUT /v1/messages/{id}/interacted`.
public struct InteractedRequest: Codable, Hashable, Sendable {
    public var metadata: [String: JSONValue]?
    public init(metadata: [String: JSONValue]? = nil) { self.metadata = metadata }
}
