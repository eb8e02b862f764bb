/// The body of `POST /v1/channels/{channel_id}/messages/bulk/{action}`; every field optional.
public struct BulkRequest: Codable, Hashable, Sendable {
    public var userIDs: [String]?
    public var recipientIDs: [String]?
    public var engagementStatus: String?
    public var archived: String?
    public var tenants: [String]?
    public var hasTenant: Bool?
    public var sources: [String]?
    public var olderThan: String?
    public var newerThan: String?

    public init(
        userIDs: [String]? = nil, engagementStatus: String? = nil, archived: String? = nil, tenants: [String]? = nil,
        hasTenant: Bool? = nil, sources: [String]? = nil, olderThan: String? = nil, newerThan: String? = nil
    ) {
        self.userIDs = userIDs
        self.engagementStatus = engagementStatus
        self.archived = archived
        self.tenants = tenants
        self.hasTenant = hasTenant
        self.sources = sources
        self.olderThan = olderThan
        self.newerThan = newerThan
    }

    enum CodingKeys: String, CodingKey {
        case userIDs = "user_ids"
        case recipientIDs = "recipient_ids"
        case engagementStatus = "engagement_status"
        case archived, tenants
        case hasTenant = "has_tenant"
        case sources
        case olderThan = "older_than"
        case newerThan = "newer_than"
    }
}

/// A bulk operation and its progress.
public struct BulkOperation: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable { case queued, processing, completed, failed }

    public var id: String
    public var name: String
    public var action: String
    public var status: Status
    public var estimatedTotalRows: Int
    public var processedRows: Int
    public var insertedAt: String
    public var completedAt: String?

    public init(
        id: String, name: String, action: String, status: Status, estimatedTotalRows: Int, processedRows: Int,
        insertedAt: String, completedAt: String?
    ) {
        self.id = id
        self.name = name
        self.action = action
        self.status = status
        self.estimatedTotalRows = estimatedTotalRows
        self.processedRows = processedRows
        self.insertedAt = insertedAt
        self.completedAt = completedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, action, status
        case estimatedTotalRows = "estimated_total_rows"
        case processedRows = "processed_rows"
        case insertedAt = "inserted_at"
        case completedAt = "completed_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(action, forKey: .action)
        try container.encode(status, forKey: .status)
        try container.encode(estimatedTotalRows, forKey: .estimatedTotalRows)
        try container.encode(processedRows, forKey: .processedRows)
        try container.encode(insertedAt, forKey: .insertedAt)
        try container.encode(completedAt, forKey: .completedAt)
    }
}
