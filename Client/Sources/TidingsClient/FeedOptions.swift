import TidingsCore

/// What a feed read asks for: the query parameters of
/// `GET /v1/users/{user_id}/feeds/{channel_id}` (API.md section 5). `nil` leaves a
/// parameter to the server's default.
public struct FeedOptions: Sendable, Hashable {
    /// Which engagement state a page shows (`status`).
    public typealias Status = StatusFilter
    /// How archived messages are treated (`archived`).
    public typealias Archived = ArchivedScope

    /// The largest page the server serves.
    public static let maximumPageSize = FeedQuery.maxPageSize

    public var pageSize: Int?
    /// The page of items older than this cursor.
    public var after: String?
    /// The page of items newer than this cursor (closest to it first).
    public var before: String?
    public var status: Status?
    public var archived: Archived?
    public var source: String?
    public var tenant: String?
    public var hasTenant: Bool?
    /// `false` peeks: nothing is marked seen.
    public var markSeen: Bool

    public init(
        pageSize: Int? = nil, after: String? = nil, before: String? = nil, status: Status? = nil,
        archived: Archived? = nil, source: String? = nil, tenant: String? = nil, hasTenant: Bool? = nil,
        markSeen: Bool = true
    ) {
        self.pageSize = pageSize
        self.after = after
        self.before = before
        self.status = status
        self.archived = archived
        self.source = source
        self.tenant = tenant
        self.hasTenant = hasTenant
        self.markSeen = markSeen
    }

    /// The query parameters, in a stable order.
    var queryItems: [(String, String)] {
        var items = [(String, String)]()
        if let pageSize { items.append(("page_size", String(pageSize))) }
        if let after { items.append(("after", after)) }
        if let before { items.append(("before", before)) }
        if let status { items.append(("status", status.rawValue)) }
        if let archived { items.append(("archived", archived.rawValue)) }
        if let source { items.append(("source", source)) }
        if let tenant { items.append(("tenant", tenant)) }
        if let hasTenant { items.append(("has_tenant", hasTenant ? "true" : "false")) }
        if !markSeen { items.append(("mark_seen", "false")) }
        return items
    }
}
