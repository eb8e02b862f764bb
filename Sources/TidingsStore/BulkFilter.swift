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
        SQLCondition.all([scope(channelID: channelID), rowConditions(action: action)])
    }

    /// The feeds the operation may touch, as a condition on table `feed` (unaliased).
    func feedSet(channelID: String) -> SQLCondition {
        guard let userIDs else { return SQLCondition("channel_id = ?", [channelID]) }
        let marks = Array(repeating: "?", count: userIDs.count).joined(separator: ",")
        return SQLCondition("channel_id = ? AND user_id IN (\(marks))", StatementArguments([channelID] + userIDs))
    }

    /// The feed condition on `message m` for a walk in `seq` order.
    func scope(channelID: String) -> SQLCondition {
        if userIDs != nil {
            let feeds = feedSet(channelID: channelID)
            return SQLCondition("m.feed_id IN (SELECT id FROM feed WHERE \(feeds.sql))", feeds.arguments)
        }
        // Channel-wide: a primary-key lookup per row, never a list of every feed of the
        // channel (which could hold a million users) built again for each statement.
        return SQLCondition("EXISTS (SELECT 1 FROM feed f WHERE f.id = m.feed_id AND f.channel_id = ?)", [channelID])
    }

    /// `exclude`, `include` or `only`, with the default resolved for `action`.
    func archivedScope(for action: EngagementAction) -> String {
        archived ?? (action == .unarchived ? "only" : "exclude")
    }

    /// Whether only the feed, the action's flag and `archived` restrict the rows, so that the
    /// feed counters can say how many rows match.
    var isCountedByFeeds: Bool {
        engagementStatus == nil && tenants == nil && hasTenant == nil && sources == nil && olderThan == nil
            && newerThan == nil
    }

    /// The conditions on `message m` other than its feed: the state `action` changes, and
    /// every other filter.
    func rowConditions(action: EngagementAction) -> SQLCondition {
        var conditions = [SQLCondition]()
        let column = "m.\(action.flag)_at"
        conditions.append(SQLCondition(action.sets ? "\(column) IS NULL" : "\(column) IS NOT NULL"))
        if let status = engagementStatus {
            let statusColumn = "m.\(status.flag)_at"
            conditions.append(SQLCondition(status.sets ? "\(statusColumn) IS NOT NULL" : "\(statusColumn) IS NULL"))
        }
        switch archivedScope(for: action) {
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
