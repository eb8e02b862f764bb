/// One entry of a feed's update stream, as a long poll returns it (API.md section 7).
public struct FeedEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case messageCreated = "message.created"
        case messageUpdated = "message.updated"
        case feedBulkUpdated = "feed.bulk_updated"
    }

    public struct Bulk: Codable, Hashable, Sendable {
        public var action: String
        public var rows: Int
        public init(action: String, rows: Int) {
            self.action = action
            self.rows = rows
        }
    }

    public var id: String
    public var type: Kind
    public var insertedAt: String
    public var message: FeedItem?
    public var bulk: Bulk?

    public init(id: String, type: Kind, insertedAt: String, message: FeedItem? = nil, bulk: Bulk? = nil) {
        self.id = id
        self.type = type
        self.insertedAt = insertedAt
        self.message = message
        self.bulk = bulk
    }

    enum CodingKeys: String, CodingKey {
        case id, type, message, bulk
        case insertedAt = "inserted_at"
    }
}

/// The answer to `GET /v1/users/{user_id}/feeds/{channel_id}/updates`.
public struct UpdatesResponse: Codable, Hashable, Sendable {
    public var events: [FeedEvent]
    public var cursor: String
    public var hasMore: Bool
    public var meta: FeedCounts

    public init(events: [FeedEvent], cursor: String, hasMore: Bool, meta: FeedCounts) {
        self.events = events
        self.cursor = cursor
        self.hasMore = hasMore
        self.meta = meta
    }

    enum CodingKeys: String, CodingKey {
        case events, cursor, meta
        case hasMore = "has_more"
    }
}
