import GRDB
import TidingsCore

/// A piece of a `WHERE` clause with its arguments.
struct SQLCondition {
    var sql: String
    var arguments: StatementArguments

    init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static func all(_ conditions: [SQLCondition]) -> SQLCondition {
        var arguments = StatementArguments()
        for condition in conditions { arguments += condition.arguments }
        return SQLCondition(conditions.map(\.sql).joined(separator: " AND "), arguments)
    }
}

extension FeedScope {
    /// The conditions on `message` (aliased `m`) that restrict a feed to this scope.
    func conditions(feedID: Int64) -> [SQLCondition] {
        var conditions = [SQLCondition("m.feed_id = ?", [feedID])]
        switch archived {
        case .exclude: conditions.append(SQLCondition("m.archived_at IS NULL"))
        case .only: conditions.append(SQLCondition("m.archived_at IS NOT NULL"))
        case .include: break
        }
        if let source { conditions.append(SQLCondition("m.source = ?", [source])) }
        switch tenant {
        case .any: break
        case .tenantOrUntenanted(let tenant): conditions.append(SQLCondition("(m.tenant = ? OR m.tenant IS NULL)", [tenant]))
        case .only(let tenant): conditions.append(SQLCondition("m.tenant = ?", [tenant]))
        case .anyTenant: conditions.append(SQLCondition("m.tenant IS NOT NULL"))
        case .untenanted: conditions.append(SQLCondition("m.tenant IS NULL"))
        }
        return conditions
    }

    /// Whether the feed's counters answer this scope without counting rows.
    var isCountedByCounters: Bool { source == nil && tenant == .any }
}

extension StatusFilter {
    var condition: SQLCondition? {
        switch self {
        case .all: nil
        case .unread: SQLCondition("m.read_at IS NULL")
        case .read: SQLCondition("m.read_at IS NOT NULL")
        case .unseen: SQLCondition("m.seen_at IS NULL")
        case .seen: SQLCondition("m.seen_at IS NOT NULL")
        }
    }
}
