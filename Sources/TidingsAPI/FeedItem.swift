/// One message as feeds, updates and message endpoints return it (API.md section 3).
public struct FeedItem: Codable, Hashable, Sendable {
    public struct Source: Codable, Hashable, Sendable {
        public var key: String
        public init(key: String) { self.key = key }
    }

    public var id: String
    public var cursor: String
    public var channelID: String
    public var recipient: String
    public var insertedAt: String
    public var updatedAt: String
    public var seenAt: String?
    public var readAt: String?
    public var interactedAt: String?
    public var archivedAt: String?
    public var linkClickedAt: String?
    public var engagementStatuses: [String]
    public var status: String
    public var source: Source?
    public var tenant: String?
    public var actors: [JSONValue]
    public var data: JSONValue
    public var blocks: [Block]

    public init(
        id: String, cursor: String, channelID: String, recipient: String, insertedAt: String, updatedAt: String,
        seenAt: String?, readAt: String?, interactedAt: String?, archivedAt: String?, linkClickedAt: String?,
        source: Source?, tenant: String?, actors: [JSONValue], data: JSONValue, blocks: [Block]
    ) {
        self.id = id
        self.cursor = cursor
        self.channelID = channelID
        self.recipient = recipient
        self.insertedAt = insertedAt
        self.updatedAt = updatedAt
        self.seenAt = seenAt
        self.readAt = readAt
        self.interactedAt = interactedAt
        self.archivedAt = archivedAt
        self.linkClickedAt = linkClickedAt
        self.engagementStatuses = [
            ("seen", seenAt), ("read", readAt), ("interacted", interactedAt), ("archived", archivedAt),
            ("link_clicked", linkClickedAt),
        ].compactMap { $0.1 == nil ? nil : $0.0 }
        self.status = "delivered"
        self.source = source
        self.tenant = tenant
        self.actors = actors
        self.data = data
        self.blocks = blocks
    }

    enum CodingKeys: String, CodingKey {
        case id
        case cursor = "__cursor"
        case channelID = "channel_id"
        case recipient
        case insertedAt = "inserted_at"
        case updatedAt = "updated_at"
        case seenAt = "seen_at"
        case readAt = "read_at"
        case interactedAt = "interacted_at"
        case archivedAt = "archived_at"
        case linkClickedAt = "link_clicked_at"
        case engagementStatuses = "engagement_statuses"
        case status, source, tenant, actors, data, blocks
    }

    // Written by hand so absent values are `null` on the wire, as the contract shows.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(cursor, forKey: .cursor)
        try container.encode(channelID, forKey: .channelID)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(insertedAt, forKey: .insertedAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(seenAt, forKey: .seenAt)
        try container.encode(readAt, forKey: .readAt)
        try container.encode(interactedAt, forKey: .interactedAt)
        try container.encode(archivedAt, forKey: .archivedAt)
        try container.encode(linkClickedAt, forKey: .linkClickedAt)
        try container.encode(engagementStatuses, forKey: .engagementStatuses)
        try container.encode(status, forKey: .status)
        try container.encode(source, forKey: .source)
        try container.encode(tenant, forKey: .tenant)
        try container.encode(actors, forKey: .actors)
        try container.encode(data, forKey: .data)
        try container.encode(blocks, forKey: .blocks)
    }
}

/// A content block of a message, with its HTML rendering.
public struct Block: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case markdown, text }

    public var type: Kind
    public var name: String
    public var content: String
    public var rendered: String

    public init(type: Kind, name: String, content: String, rendered: String) {
        self.type = type
        self.name = name
        self.content = content
        self.rendered = rendered
    }
}
