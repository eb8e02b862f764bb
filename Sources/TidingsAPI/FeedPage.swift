/// The answer to a feed read (API.md section 5).
public struct FeedPage: Codable, Hashable, Sendable {
    public struct Meta: Codable, Hashable, Sendable {
        public var totalCount: Int
        public var unreadCount: Int
        public var unseenCount: Int
        public var markedSeen: Int
        public var updatesCursor: String

        public init(totalCount: Int, unreadCount: Int, unseenCount: Int, markedSeen: Int, updatesCursor: String) {
            self.totalCount = totalCount
            self.unreadCount = unreadCount
            self.unseenCount = unseenCount
            self.markedSeen = markedSeen
            self.updatesCursor = updatesCursor
        }

        enum CodingKeys: String, CodingKey {
            case totalCount = "total_count"
            case unreadCount = "unread_count"
            case unseenCount = "unseen_count"
            case markedSeen = "marked_seen"
            case updatesCursor = "updates_cursor"
        }
    }

    public struct PageInfo: Codable, Hashable, Sendable {
        public var after: String?
        public var before: String?
        public var pageSize: Int

        public init(after: String?, before: String?, pageSize: Int) {
            self.after = after
            self.before = before
            self.pageSize = pageSize
        }

        enum CodingKeys: String, CodingKey {
            case after, before
            case pageSize = "page_size"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(after, forKey: .after)
            try container.encode(before, forKey: .before)
            try container.encode(pageSize, forKey: .pageSize)
        }
    }

    public var entries: [FeedItem]
    public var meta: Meta
    public var pageInfo: PageInfo

    public init(entries: [FeedItem], meta: Meta, pageInfo: PageInfo) {
        self.entries = entries
        self.meta = meta
        self.pageInfo = pageInfo
    }

    enum CodingKeys: String, CodingKey {
        case entries, meta
        case pageInfo = "page_info"
    }
}

/// Exact counts of a feed scope.
public struct FeedCounts: Codable, Hashable, Sendable {
    public var totalCount: Int
    public var unreadCount: Int
    public var unseenCount: Int

    public init(totalCount: Int, unreadCount: Int, unseenCount: Int) {
        self.totalCount = totalCount
        self.unreadCount = unreadCount
        self.unseenCount = unseenCount
    }

    enum CodingKeys: String, CodingKey {
        case totalCount = "total_count"
        case unreadCount = "unread_count"
        case unseenCount = "unseen_count"
    }
}
