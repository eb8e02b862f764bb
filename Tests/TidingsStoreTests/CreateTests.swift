import Foundation
import GRDB
import Synchronization
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Creating messages")
struct CreateTests {
    @Test("one message per recipient, in recipient order, in one transaction")
    func perRecipient() async throws {
        let hub = UpdateHub(maxPollsPerUser: 1, maxPolls: 10)
        let database = try makeDatabase(hub: hub)
        let woken = Mutex<Set<String>>([])
        let tickets = try ["a", "b", "c", "d"].map { user in
            let ticket = try hub.register(feed: FeedKey(userID: user, channelID: "in-app"), timeout: .seconds(30))
            hub.wait(ticket) { outcome, _ in
                if outcome == .woken { woken.withLock { _ = $0.insert(user) } }
            }
            return ticket
        }
        defer { tickets.forEach(hub.release) }
        let outcome = try await database.createMessages(newMessages(["a", "b", "c"]), idempotency: nil)
        guard case .created(let body) = outcome else { Issue.record("not created"); return }
        let response = try JSONDecoder().decode(CreateMessagesResponse.self, from: Data(body))
        #expect(response.messages.map(\.recipient) == ["a", "b", "c"])
        #expect(Set(response.messages.map(\.id)).count == 3)
        #expect(response.messages.allSatisfy { $0.channelID == "in-app" && Timestamp(rfc3339: $0.insertedAt) != nil })
        #expect(woken.withLock { $0 } == ["a", "b", "c"])
        for user in ["a", "b", "c"] {
            let page = try await database.peek(FeedKey(userID: user, channelID: "in-app"))
            #expect(page.entries.count == 1 && page.meta.totalCount == 1)
            #expect(page.entries[0].recipient == user && page.entries[0].channelID == "in-app")
            let created = response.messages.first { $0.recipient == user }
            #expect(page.entries[0].id == created?.id && page.entries[0].insertedAt == created?.insertedAt)
        }
    }

    @Test("recipients with feeds and without, ids with quotes, backslashes and non-ASCII: each message lands in its own feed")
    func mixedRecipients() async throws {
        let database = try makeDatabase()
        let existing = ["old \"quoted\"", "ünï-1", "plain"]
        _ = try await database.createMessages(newMessages(existing), idempotency: nil)
        let recipients = ["new\\slash", "plain", "ünï-1", "zz-new", "old \"quoted\""]
        let outcome = try await database.createMessages(newMessages(recipients), idempotency: nil)
        guard case .created(let body) = outcome else { Issue.record("not created"); return }
        let response = try JSONDecoder().decode(CreateMessagesResponse.self, from: Data(body))
        #expect(response.messages.map(\.recipient) == recipients)
        for (index, user) in recipients.enumerated() {
            let feed = FeedKey(userID: user, channelID: "in-app")
            let page = try await database.peek(feed)
            #expect(page.entries.first?.id == response.messages[index].id)
            #expect(page.meta.totalCount == (existing.contains(user) ? 2 : 1))
            let updates = try await database.updates(of: feed, since: 0, limit: 10)
            #expect(try updates.events().last?.message?.id == response.messages[index].id)
        }
    }

    @Test("a failing create leaves nothing behind")
    func atomic() async throws {
        let database = try makeDatabase()
        // A trigger that fails on the third message makes the transaction fail half-way.
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER fail_third BEFORE INSERT ON message
                    WHEN (SELECT count(*) FROM message) >= 2 BEGIN SELECT RAISE(ABORT, 'boom'); END
                    """)
        }
        await #expect(throws: (any Error).self) {
            try await database.createMessages(newMessages(["a", "b", "c"]), idempotency: nil)
        }
        let count = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message") }
        #expect(count == 0)
        #expect(try await database.peek(FeedKey(userID: "a", channelID: "in-app")).meta.totalCount == 0)
    }

    @Test("every feed's counters equal its rows after creates to new and existing feeds, alone and in groups")
    func counters() async throws {
        let database = try makeDatabase()
        try await database.create(2, for: "a")
        _ = try await database.createMessages(newMessages(["a", "b", "c"]), idempotency: nil)
        _ = try await database.createMessages(newMessages(["c", "a"], channel: "web"), idempotency: nil)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { _ = try? await database.createMessages(newMessages(["a", "u\(index % 3)"]), idempotency: nil) }
            }
        }
        #expect(try await BulkWalkTests.countersAreExact(database))
        #expect(try await database.foreignKeyViolations() == 0)
        let a = try await database.peek(FeedKey(userID: "a", channelID: "in-app")).meta
        #expect(a.totalCount == 23 && a.unreadCount == 23 && a.unseenCount == 23)
    }

    @Test("every message references a stored feed and content, though SQLite does not enforce it")
    func references() async throws {
        let database = try makeDatabase()
        _ = try await database.createMessages(newMessages(["a", "b"]), idempotency: nil)
        await #expect(throws: (any Error).self) {  // fails after its feeds went in: rolls back whole
            try await database.createMessages(newMessages(["c", "d", "c"]), idempotency: nil)
        }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                let recipients = index % 4 == 3 ? ["a", "e\(index)", "a"] : ["a", "e\(index)"]
                group.addTask { _ = try? await database.createMessages(newMessages(recipients), idempotency: nil) }
            }
        }
        #expect(try await database.foreignKeyViolations() == 0)
        // The check itself finds a broken reference.
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE message SET feed_id = 999 WHERE seq = (SELECT min(seq) FROM message)")
        }
        #expect(try await database.foreignKeyViolations() == 1)
    }

    @Test("a create that names a feed twice stores nothing: its counters could not be counted once each")
    func duplicateRecipient() async throws {
        let database = try makeDatabase()
        // New feeds: the feed insert refuses the second one.
        await #expect(throws: (any Error).self) {
            try await database.createMessages(newMessages(["a", "b", "a"]), idempotency: nil)
        }
        #expect(try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM feed") } == 0)
        // Existing feeds: the counter update finds fewer feeds than messages.
        _ = try await database.createMessages(newMessages(["a", "b"]), idempotency: nil)
        await #expect(throws: TidingsError.internalError) {
            try await database.createMessages(newMessages(["a", "b", "a"]), idempotency: nil)
        }
        let count = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message") }
        #expect(count == 2)
        #expect(try await BulkWalkTests.countersAreExact(database))
    }

    @Test("tokens go to SQLite as fixed-width decimal and come back exactly, the extremes included")
    func tokenEncoding() async throws {
        let database = try makeDatabase()
        let values: [Int64] = [.min, .max, -1, 0, 1, -12_345, 4_611_686_018_427_387_903, -(1 << 62)]
        let bytes = AppDatabase.fixedWidthDecimal(values)
        #expect(bytes.count == values.count * AppDatabase.tokenWidth)
        let back = try await database.pool.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT CAST(substr(?, key * \(AppDatabase.tokenWidth) + 1, \(AppDatabase.tokenWidth)) AS INTEGER)
                    FROM json_each(?) ORDER BY key
                    """, arguments: [Data(bytes), "[" + values.map { _ in "0" }.joined(separator: ",") + "]"])
        }
        #expect(back == values)
    }

    @Test("an idempotency key replays the original answer and creates nothing")
    func replay() async throws {
        let database = try makeDatabase()
        let claim = IdempotencyClaim(scope: "k1", key: "abc", bodyDigest: [1, 2, 3])
        let first = try await database.createMessages(newMessages(["a"]), idempotency: claim)
        let second = try await database.createMessages(newMessages(["a"]), idempotency: claim)
        guard case .created(let original) = first, case .replayed(let replayed) = second else {
            Issue.record("expected created then replayed")
            return
        }
        #expect(original == replayed)
        #expect(try await database.peek(FeedKey(userID: "a", channelID: "in-app")).meta.totalCount == 1)
    }

    @Test("the same key with another body is a conflict; other scopes are independent")
    func conflict() async throws {
        let database = try makeDatabase()
        _ = try await database.createMessages(
            newMessages(["a"]), idempotency: IdempotencyClaim(scope: "k1", key: "abc", bodyDigest: [1]))
        await #expect(throws: TidingsError.idempotencyConflict) {
            try await database.createMessages(
                newMessages(["a"]), idempotency: IdempotencyClaim(scope: "k1", key: "abc", bodyDigest: [2]))
        }
        let other = try await database.createMessages(
            newMessages(["a"]), idempotency: IdempotencyClaim(scope: "k2", key: "abc", bodyDigest: [2]))
        guard case .created = other else { Issue.record("another key's scope must create"); return }
    }

    @Test("of concurrent duplicates exactly one creates")
    func concurrentDuplicates() async throws {
        let database = try makeDatabase()
        let claim = IdempotencyClaim(scope: "k", key: "same", bodyDigest: [9])
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    if case .created = try await database.createMessages(newMessages(["a"]), idempotency: claim) {
                        return true
                    }
                    return false
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await database.peek(FeedKey(userID: "a", channelID: "in-app")).meta.totalCount == 1)
    }

    @Test("keys expire after 24 hours")
    func expiry() async throws {
        let database = try makeDatabase()
        let claim = IdempotencyClaim(scope: "k", key: "old", bodyDigest: [1])
        let past = Timestamp(milliseconds: Timestamp.now().milliseconds - IdempotencyClaim.retentionMilliseconds - 1000)
        _ = try await database.createMessages(newMessages(["a"]), idempotency: claim, now: past)
        guard case .created = try await database.createMessages(newMessages(["a"]), idempotency: claim) else {
            Issue.record("an expired key must create again")
            return
        }
        _ = try await database.createMessages(
            newMessages(["a"]), idempotency: IdempotencyClaim(scope: "k", key: "older", bodyDigest: [1]), now: past)
        #expect(try await database.pruneIdempotencyKeys() == 1)
    }

    @Test("every create appends message.created to each recipient's update stream")
    func updateStream() async throws {
        let database = try makeDatabase()
        let feed = FeedKey(userID: "a", channelID: "in-app")
        let before = try await database.peek(feed).meta.updatesCursor
        try await database.create(2, for: "a")
        let after = try await database.peek(feed).meta.updatesCursor
        #expect(before != after)
        let kinds = try await database.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT kind FROM feed_update ORDER BY position")
        }
        #expect(kinds == [0, 0])
        let head = try FeedCursor.decode(after, kind: .update, feed: feed).position
        #expect(head == 2)
    }
}
