/// Which engagement state a page shows (`status`); it never restricts the counts.
public enum StatusFilter: String, Sendable, CaseIterable {
    case all, unread, read, unseen, seen
}

/// How archived messages are treated (`archived`).
public enum ArchivedScope: String, Sendable, CaseIterable {
    case exclude, include, only
}

/// The tenant restriction that `tenant` and `has_tenant` express together.
public enum TenantScope: Equatable, Sendable {
    /// No restriction.
    case any
    /// `tenant=T`: T's items plus items with no tenant.
    case tenantOrUntenanted(String)
    /// `tenant=T&has_tenant=true`: only T's items.
    case only(String)
    /// `has_tenant=true`: items with some tenant.
    case anyTenant
    /// `has_tenant=false`: items with no tenant.
    case untenanted
}

/// The part of the feed that counts are taken over: everything but status and cursors.
public struct FeedScope: Equatable, Sendable {
    public var archived: ArchivedScope
    public var source: String?
    public var tenant: TenantScope

    public init(archived: ArchivedScope = .exclude, source: String? = nil, tenant: TenantScope = .any) {
        self.archived = archived
        self.source = source
        self.tenant = tenant
    }

    /// The scope of a feed read with no filters, whose counts are kept as counters.
    public static let `default` = FeedScope()
}

/// Where a page starts.
public enum PagePosition: Equatable, Sendable {
    /// The newest items.
    case newest
    /// Items older than the message at this sequence (`after`).
    case olderThan(Int64)
    /// The items newer than this sequence that are closest to it (`before`).
    case newerThan(Int64)
}

/// One feed read, validated: what `GET /v1/users/{user_id}/feeds/{channel_id}` asks for.
public struct FeedQuery: Equatable, Sendable {
    public static let maxPageSize = 50

    public var feed: FeedKey
    public var scope: FeedScope
    public var status: StatusFilter
    public var position: PagePosition
    public var pageSize: Int
    public var markSeen: Bool

    public init(
        feed: FeedKey, scope: FeedScope = .default, status: StatusFilter = .all, position: PagePosition = .newest,
        pageSize: Int = FeedQuery.maxPageSize, markSeen: Bool = true
    ) {
        self.feed = feed
        self.scope = scope
        self.status = status
        self.position = position
        self.pageSize = pageSize
        self.markSeen = markSeen
    }
}
