import GRDB
import TidingsAPI
import TidingsCore

/// Which messages of a channel a bulk operation touches (API.md section 6), validated.
public struct BulkFilter: Codable, Equatable, Sendable {
    public var userIDs: [String]?
    /// Restricts to messages in this state (`seen`, `unread`, `archived`, …).
    public var engagementStatus: EngagementAction?
    /// `exclude`, `include` or `only`; `nil` is `exclude`, or `only` for `unarchived`.
    public var archived: String?
    public var tenants: [String]?
    public var hasTenant: Bool?
    public var sources: [String]?
    /// Milliseconds since the epoch; messages inserted strictly before / after.
    public var olderThan: Int64?
    public var newerThan: Int64?

    public init(
        userIDs: [String]? = nil, engagementStatus: EngagementAction? = nil, archived: String? = nil,
        tenants: [String]? = nil, hasTenant: Bool? = nil, sources: [String]? = nil, olderThan: Int64? = nil,
        newerThan: Int64? = nil
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

    /// The conditions on `message m` selecting the rows `action` would change on `channelID`.
    func conditions(channelID: String, action: EngagementAction) -> SQLCondition {
        var conditions = [SQLCondition]()
        if let userIDs {
            let marks = Array(repeating: "?", count: userIDs.count).joined(separator: ",")
            conditions.append(
                SQLCondition(
                    "m.feed_id IN (SELECT id FROM feed WHERE channel_id = ? AND user_id IN (\(marks)))",
                    StatementArguments([channelID] + userIDs)))
        } else {
            // Channel-wide: a primary-key lookup per row, never a list of every feed of the
            // channel (which could hold a million users) built again for each statement.
            conditions.append(
                SQLCondition("EXISTS (SELECT 1 FROM feed f WHERE f.id = m.feed_id AND f.channel_id = ?)", [channelID]))
        }
        let column = "m.\(action.flag)_at"
        conditions.append(SQLCondition(action.sets ? "\(column) IS NULL" : "\(column) IS NOT NULL"))
        if let status = engagementStatus {
            let statusColumn = "m.\(status.flag)_at"
            conditions.append(SQLCondition(status.sets ? "\(statusColumn) IS NOT NULL" : "\(statusColumn) IS NULL"))
        }
        switch archived ?? (action == .unarchived ? "only" : "exclude") {
        case "exclude": conditions.append(SQLCondition("m.archived_at IS NULL"))
        case "only": conditions.append(SQLCondition("m.archived_at IS NOT NULL"))
        default: break
        }
        if let tenants { conditions.append(Self.inList("m.tenant", tenants)) }
        if let hasTenant { conditions.append(SQLCondition(hasTenant ? "m.tenant IS NOT NULL" : "m.tenant IS NULL")) }
        if let sources { conditions.append(Self.inList("m.source", sources)) }
        if let olderThan { conditions.append(SQLCondition("m.inserted_at < ?", [olderThan])) }
        if let newerThan { conditions.append(SQLCondition("m.inserted_at > ?", [newerThan])) }
        return SQLCondition.all(conditions)
    }

    private static func inList(_ column: String, _ values: [String]) -> SQLCondition {
        guard !values.isEmpty else { return SQLCondition("0") }
        let marks = Array(repeating: "?", count: values.count).joined(separator: ",")
        return SQLCondition("\(column) IN (\(marks))", StatementArguments(values))
    }
}
