import GRDB
import TidingsAPI

/// The feed counters as a bulk operation sees them: how many rows an operation will change,
/// read from the counters, and the counters' update for a whole chunk at once, in place of
/// the per-message trigger (which `feed_counts_deferral` holds back, migration v3).
enum BulkFeedCounts {
    /// Whether `action` changes a flag the feed counters count.
    static func counts(_ action: EngagementAction) -> Bool {
        ["seen", "read", "archived"].contains(action.flag)
    }

    /// Holds the per-message counter trigger back (or lets it count again). Only ever set
    /// inside one write transaction and cleared before it commits.
    static func holdTrigger(_ active: Bool, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE feed_counts_deferral SET active = ? WHERE id = 1").execute(arguments: [
            active
        ])
    }

    /// Adds the changes of the messages named by the timeline events `first...last`, all made
    /// by `action` in this transaction, to their feeds' counters. It is the trigger's
    /// arithmetic summed per feed, with OLD being NEW with the action's flag the other way
    /// round (the chunk selected only rows whose flag `action` flips).
    static func add(_ action: EngagementAction, events first: Int64, through last: Int64, db: Database) throws {
        try db.cachedStatement(sql: changeSQL(action)).execute(arguments: [first, last])
    }

    static func changeSQL(_ action: EngagementAction) -> String {
        func unset(_ flag: String, old: Bool) -> String {
            old && flag == action.flag ? "(m.\(flag)_at IS NOT NULL)" : "(m.\(flag)_at IS NULL)"
        }
        func change(_ term: (Bool) -> String) -> String { "sum(\(term(false)) - \(term(true)))" }
        let columns: [(String, String)] = [
            ("unread_all", change { unset("read", old: $0) }),
            ("unseen_all", change { unset("seen", old: $0) }),
            ("total_archived", change { "(NOT \(unset("archived", old: $0)))" }),
            ("unread_archived", change { "(NOT \(unset("archived", old: $0)) AND \(unset("read", old: $0)))" }),
            ("unseen_archived", change { "(NOT \(unset("archived", old: $0)) AND \(unset("seen", old: $0)))" }),
        ]
        return """
            UPDATE feed SET \(columns.map { "\($0.0) = \($0.0) + d.change_\($0.0)" }.joined(separator: ", "))
            FROM (SELECT m.feed_id, \(columns.map { "\($0.1) AS change_\($0.0)" }.joined(separator: ", "))
                  FROM message_event e JOIN message m ON m.seq = e.message_seq
                  WHERE e.id BETWEEN ? AND ? GROUP BY m.feed_id) AS d
            WHERE feed.id = d.feed_id
            """
    }

    /// An expression over one `feed` row: how many of its messages `action` would change
    /// within `archived` (`exclude`, `include`, `only`); nil when the counters cannot say.
    static func matchingRows(_ action: EngagementAction, archived: String) -> String? {
        switch action.flag {
        case "read", "seen":
            let (all, inArchive) = ("un\(action.flag)_all", "un\(action.flag)_archived")
            let unflagged = ["exclude": "\(all) - \(inArchive)", "include": all, "only": inArchive]
            let flagged = [
                "exclude": "(total_all - total_archived) - (\(all) - \(inArchive))", "include": "total_all - \(all)",
                "only": "total_archived - \(inArchive)",
            ]
            return (action.sets ? unflagged : flagged)[archived]
        case "archived":
            if action.sets { return archived == "only" ? "0" : "total_all - total_archived" }
            return archived == "exclude" ? "0" : "total_archived"
        default:
            return nil
        }
    }
}
