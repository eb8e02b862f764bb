import Foundation
import GRDB
import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Applies `action` to each message named by `ids` that `user` may see (every message
    /// when `user` is nil), in one transaction. A flag that is newly set or cleared records
    /// a timeline event and a `message.updated` in its feed's stream; setting a flag that
    /// is already set only moves its timestamp. Returns the items after the change, in the
    /// order of `ids`, leaving out ids that do not exist or that `user` may not see.
    public func applyEngagement(
        _ action: EngagementAction, to ids: [String], visibleTo user: String?, metadata: String? = nil,
        now: Timestamp = .now()
    ) async throws -> [FeedItem] {
        try await write { db in
            var decoder = ContentDecoder()
            var items = [FeedItem]()
            var changed = [FeedKey]()
            var done = Set<Int64>()
            for id in ids {
                guard let (row, feed, feedID) = try Self.visibleMessage(id, user: user, db: db),
                    done.insert(row.sequence).inserted
                else { continue }
                if try Self.apply(action, to: row, feedID: feedID, metadata: metadata, now: now, db: db) {
                    changed.append(feed)
                }
                guard let (updated, _, _) = try Self.visibleMessage(id, user: user, db: db) else { continue }
                items.append(try decoder.item(updated, feed: feed))
            }
            return (items, Array(Set(changed)))
        }
    }

    /// One message as its recipient (or a secret key) sees it; `nil` when missing or foreign.
    public func message(_ id: String, visibleTo user: String?) async throws -> FeedItem? {
        try await snapshotRead { db in
            guard let (row, feed, _) = try Self.visibleMessage(id, user: user, db: db) else { return nil }
            var decoder = ContentDecoder()
            return try decoder.item(row, feed: feed)
        }
    }

    /// A message's timeline, oldest first, starting with `message.created`.
    public func events(of id: String, visibleTo user: String?) async throws -> [MessageEvent]? {
        try await snapshotRead { db in
            guard let (row, _, _) = try Self.visibleMessage(id, user: user, db: db) else { return nil }
            let created = MessageEvent(
                id: "evt_c\(row.sequence)", type: "message.created",
                insertedAt: Timestamp(milliseconds: row.insertedAt).rfc3339)
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, type, inserted_at, data FROM message_event WHERE message_seq = ? ORDER BY id",
                arguments: [row.sequence])
            return try [created]
                + rows.map { event in
                    let data: String? = event["data"]
                    return MessageEvent(
                        id: "evt_\(event["id"] as Int64)", type: event["type"],
                        insertedAt: Timestamp(milliseconds: event["inserted_at"]).rfc3339,
                        data: try data.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) })
                }
        }
    }

    /// Changes one flag of one message; true when its status changed (not only its timestamp).
    static func apply(
        _ action: EngagementAction, to row: MessageRow, feedID: Int64, metadata: String?, now: Timestamp,
        db: Database
    ) throws -> Bool {
        let column = action.flag + "_at"
        let isSet = row.timestamp(of: action.flag) != nil
        if action.sets {
            try db.cachedStatement(sql: "UPDATE message SET \(column) = ?, updated_at = ? WHERE seq = ?")
                .execute(arguments: [now.milliseconds, now.milliseconds, row.sequence])
        } else if isSet {
            try db.cachedStatement(sql: "UPDATE message SET \(column) = NULL, updated_at = ? WHERE seq = ?")
                .execute(arguments: [now.milliseconds, row.sequence])
        }
        guard action.sets != isSet else { return false }
        try UpdateStream.appendMessageEvent(
            db, sequence: row.sequence, feedID: feedID, type: action.eventType,
            data: action == .interacted ? metadata : nil, now: now)
        try UpdateStream.countEntries(1, of: feedID, db)
        return true
    }

    /// The message `id` with its feed, if it exists and `user` (when given) is its recipient.
    static func visibleMessage(_ id: String, user: String?, db: Database) throws -> (MessageRow, FeedKey, Int64)? {
        guard let parsed = MessageID(id) else { return nil }
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(MessageRow.selection), f.user_id, f.channel_id, f.id
                FROM \(MessageRow.join) JOIN feed f ON f.id = m.feed_id
                WHERE m.seq = ? AND m.token = ?
                """)
        let rows = RawRows(statement, arguments: [parsed.sequence, parsed.token])
        guard try rows.next() else { return nil }
        let feed = FeedKey(userID: rows.string(15), channelID: rows.string(16))
        if let user, user != feed.userID { return nil }
        return (MessageRow(rows), feed, rows.int64(17))
    }
}

extension MessageRow {
    /// The timestamp of a flag by its name (`seen`, `read`, …).
    func timestamp(of flag: String) -> Int64? {
        switch flag {
        case "seen": seenAt
        case "read": readAt
        case "interacted": interactedAt
        case "archived": archivedAt
        case "link_clicked": linkClickedAt
        default: nil
        }
    }
}
