import Foundation
import GRDB
import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Stores one message per recipient, all in one transaction, and the answer under the
    /// idempotency key if there is one. A key seen within 24 hours replays the stored
    /// answer (same body) or is a conflict (another body). Keys are checked inside the
    /// write transaction, so of concurrent duplicates exactly one creates.
    ///
    /// Concurrent creates share write transactions (group commit); one that fails leaves
    /// the others whole (see `runCreateGroups`), and every caller is answered only after
    /// the commit that stored its messages, so a `201` still means stored durably.
    ///
    /// A create that finds the writer idle (no create queued or running, no other write in
    /// flight) writes on its caller's thread instead (`writeHere`): the hop to a runner
    /// task and the wake-up of the writer's thread were 60–90 µs of the 0.6–0.8 ms from a
    /// create to a waiting poll's answer (BENCHMARKS.md, run V). Creates that arrive
    /// meanwhile queue for the runner as before.
    public func createMessages(
        _ new: NewMessages, idempotency: IdempotencyClaim?, now: Timestamp = .now()
    ) async throws -> CreateOutcome {
        if writesInFlight.load(ordering: .relaxed) == 0, creates.tryLead() {
            defer { if creates.finishLead() { Task { await self.runCreateGroups() } } }
            return try writeHere("createMessages") { db in
                try Self.create(new, idempotency: idempotency, now: now, db: db)
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let request = CreateGroups.Request(new: new, idempotency: idempotency, now: now, continuation: continuation)
            if creates.enqueue(request) { Task { await self.runCreateGroups() } }
        }
    }

    /// Writes queued creates, a group per transaction, until none is left.
    ///
    /// A group runs without a savepoint per create: SQLite's savepoint bookkeeping was a
    /// fifth of a 1,000-recipient create's CPU. If any create of a group fails, the whole
    /// transaction rolls back and each of its creates runs again alone, in a transaction of
    /// its own, so a failing one still leaves the others whole.
    private func runCreateGroups() async {
        while let group = creates.nextGroup() {
            if group.count > 1, let outcomes = try? await createTogether(group) {
                for (request, outcome) in zip(group, outcomes) { request.continuation.resume(returning: outcome) }
                continue
            }
            for request in group {
                do {
                    let outcome = try await write("createMessages") { db in
                        try Self.create(request.new, idempotency: request.idempotency, now: request.now, db: db)
                    }
                    request.continuation.resume(returning: outcome)
                } catch {
                    request.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Every create of `group` in one transaction; throws (and stores nothing) if one fails.
    private func createTogether(_ group: [CreateGroups.Request]) async throws -> [CreateOutcome] {
        try await write("createMessages") { db in
            var outcomes = [CreateOutcome]()
            var changes = Changes()
            for request in group {
                let (outcome, changed) = try Self.create(
                    request.new, idempotency: request.idempotency, now: request.now, db: db)
                outcomes.append(outcome)
                changes.append(changed)
            }
            return (outcomes, changes)
        }
    }

    /// One create inside the group's transaction.
    private static func create(_ new: NewMessages, idempotency: IdempotencyClaim?, now: Timestamp, db: Database) throws
        -> (CreateOutcome, Changes)
    {
        if let claim = idempotency, let replay = try Self.replay(claim, db: db, now: now) {
            return (.replayed(body: replay), Changes())
        }
        try db.cachedStatement(sql: "INSERT INTO message_content (actors, data, blocks) VALUES (?, ?, ?)")
            .execute(arguments: [new.actorsJSON, new.dataJSON, new.blocksJSON])
        let contentID = db.lastInsertedRowID
        // The answer is written while the rows go in: it is stored for replays inside this
        // transaction, and Foundation's encoder cost as much as the inserts.
        let insertedAt = now.rfc3339
        var answer = JSONWriter(capacity: 64 + new.recipients.count * 128)
        answer.raw("{")
        answer.key("messages")
        answer.raw("[")
        let (feedIDs, countsBefore) = try Self.feeds(of: new.recipients, channelID: new.channelID, db: db)
        let tokens = MessageID.randomTokens(new.recipients.count)
        let (first, firstPosition) = try Self.insertMessages(
            feedIDs: feedIDs, tokens: tokens, contentID: contentID, new: new, now: now, db: db)
        var changes = Changes()
        changes.created.reserveCapacity(new.recipients.count)
        var message = MessageRow(
            sequence: first, token: 0, insertedAt: now.milliseconds, updatedAt: now.milliseconds, seenAt: nil,
            readAt: nil, interactedAt: nil, archivedAt: nil, linkClickedAt: nil, source: new.source, tenant: new.tenant,
            contentID: contentID, actorsJSON: new.actorsJSON, dataJSON: new.dataJSON, blocksJSON: new.blocksJSON)
        message.tail = RenderedTail(message)
        for (index, recipient) in new.recipients.enumerated() {
            if index > 0 { answer.raw(",") }
            let id = MessageID(sequence: first + Int64(index), token: tokens[index])
            answer.created(id: id, recipient: recipient, channelID: new.channelID, insertedAt: insertedAt)
            (message.sequence, message.token) = (id.sequence, id.token)
            changes.created.append(
                CreatedEntry(
                    feed: FeedKey(userID: recipient, channelID: new.channelID), feedID: feedIDs[index],
                    counts: countsBefore[index].addingUnread(),
                    entry: UpdateStream.Entry(
                        position: firstPosition + Int64(index), kind: .messageCreated, insertedAt: now.milliseconds,
                        message: message)))
        }
        answer.raw("]}")
        let body = answer.bytes
        if let claim = idempotency {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO idempotency_key (scope, key, body_hash, response, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [claim.scope, claim.key, Data(claim.bodyDigest), Data(body), now.milliseconds])
        }
        return (.created(body: body), changes)
    }

    /// One message per feed, in order, their feeds' counters, and a `message.created` stream
    /// entry for each: four statements for the whole create, however many recipients (a
    /// statement per row was most of a 1,000-recipient create's time outside SQLite). Returns
    /// the first message's sequence and the first entry's position; the others follow them
    /// one by one.
    private static func insertMessages(
        feedIDs: [Int64], tokens: [Int64], contentID: Int64, new: NewMessages, now: Timestamp, db: Database
    ) throws -> (sequence: Int64, position: Int64) {
        // Each row's sequence is given, from its place in the array, after the highest ever
        // given (AUTOINCREMENT's record; messages are never deleted, and no other writer
        // shares this transaction). Left to AUTOINCREMENT, sequences follow the order rows
        // come in, which only `ORDER BY key` guarantees, at the price of sorting the rows in
        // a temporary B-tree: 0.4 of a 1,000-recipient insert's 2.3 ms (a replay on SQLite's
        // shell). Feed ids go as a JSON array; tokens as one blob of fixed-width decimal text,
        // which each row reads at its own byte offset (pairs taken apart with json_extract
        // were 0.9 ms of that insert; this is 0.2 ms).
        let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'message'"))
        let first = (highest ?? 0) + 1
        try db.cachedStatement(
            sql: """
                INSERT INTO message (seq, token, feed_id, content_id, inserted_at, updated_at, source, tenant)
                SELECT ? + key, CAST(substr(?, key * \(Self.tokenWidth) + 1, \(Self.tokenWidth)) AS INTEGER), value,
                    ?, ?, ?, ?, ?
                FROM json_each(?)
                """
        ).execute(arguments: [
            first, Data(Self.fixedWidthDecimal(tokens)), contentID, now.milliseconds, now.milliseconds, new.source,
            new.tenant, JSONWriter.array(feedIDs),
        ])
        let last = first + Int64(feedIDs.count) - 1
        guard db.changesCount == feedIDs.count else { throw TidingsError.internalError }
        // The counters (schema v4: no insert trigger), and the stream entry each feed gains
        // below (v5). One create's feeds are distinct, as its recipients are; the count of
        // changed feeds checks it, since each gains exactly one.
        try db.cachedStatement(
            sql: """
                UPDATE feed SET total_all = total_all + 1, unread_all = unread_all + 1, unseen_all = unseen_all + 1,
                    stream_length = stream_length + 1
                WHERE id IN (SELECT feed_id FROM message WHERE seq BETWEEN ? AND ?)
                """
        ).execute(arguments: [first, last])
        guard db.changesCount == feedIDs.count else { throw TidingsError.internalError }
        try db.cachedStatement(
            sql: """
                INSERT INTO feed_update (feed_id, kind, message_seq, inserted_at)
                SELECT feed_id, 0, seq, ? FROM message WHERE seq BETWEEN ? AND ? ORDER BY seq
                """
        ).execute(arguments: [now.milliseconds, first, last])
        guard db.changesCount == feedIDs.count else { throw TidingsError.internalError }
        return (first, db.lastInsertedRowID - Int64(feedIDs.count) + 1)
    }

    /// Bytes per value in `fixedWidthDecimal`: a sign (or `0`) and 19 digits.
    static let tokenWidth = 20

    /// `values` as decimal text, `tokenWidth` bytes each (`-0…0123`, `00…0123`), which
    /// SQLite's `CAST(… AS INTEGER)` reads back exactly, `Int64.min` and `.max` included.
    static func fixedWidthDecimal(_ values: [Int64]) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: values.count * tokenWidth)
        for (index, value) in values.enumerated() {
            let start = index * tokenWidth
            if value < 0 { bytes[start] = UInt8(ascii: "-") }
            var magnitude = value.magnitude
            var at = start + tokenWidth - 1
            while magnitude > 0 {
                bytes[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                at -= 1
            }
        }
        return bytes
    }

    /// The stored answer for a live key with the same body; throws on another body.
    private static func replay(_ claim: IdempotencyClaim, db: Database, now: Timestamp) throws -> [UInt8]? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT body_hash, response, created_at FROM idempotency_key WHERE scope = ? AND key = ?",
                arguments: [claim.scope, claim.key])
        else { return nil }
        let createdAt: Int64 = row["created_at"]
        guard now.milliseconds - createdAt < IdempotencyClaim.retentionMilliseconds else { return nil }
        let digest: Data = row["body_hash"]
        guard Array(digest) == claim.bodyDigest else { throw TidingsError.idempotencyConflict }
        let response: Data = row["response"]
        return Array(response)
    }

    /// Forgets idempotency keys older than their retention, in short transactions.
    public func pruneIdempotencyKeys(now: Timestamp = .now()) async throws -> Int {
        let cutoff = now.milliseconds - IdempotencyClaim.retentionMilliseconds
        var total = 0
        while true {
            let deleted = try await pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM idempotency_key WHERE (scope, key) IN (
                            SELECT scope, key FROM idempotency_key WHERE created_at < ? LIMIT 1000)
                        """, arguments: [cutoff])
                return db.changesCount
            }
            total += deleted
            if deleted < 1000 { return total }
        }
    }
}

extension FeedCounts {
    /// The counts after one more message, which is unread, unseen and not archived.
    func addingUnread() -> FeedCounts {
        FeedCounts(totalCount: totalCount + 1, unreadCount: unreadCount + 1, unseenCount: unseenCount + 1)
    }
}

extension JSONWriter {
    /// One entry of a create's answer, in the shape of `CreateMessagesResponse.Created`.
    mutating func created(id: MessageID, recipient: String, channelID: String, insertedAt: String) {
        raw("{")
        key("id"); self.id(id); raw(",")
        key("recipient"); string(recipient); raw(",")
        key("channel_id"); string(channelID); raw(",")
        key("inserted_at"); string(insertedAt)
        raw("}")
    }
}
