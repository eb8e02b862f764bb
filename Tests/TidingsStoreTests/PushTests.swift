import Foundation
import Synchronization
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Creates push their entries to waiting polls")
struct PushTests {
    /// Registers a poll on `feed` and attaches a callback; returns the ticket and what the
    /// callback receives.
    func park(_ hub: UpdateHub, _ feed: FeedKey) throws -> (UpdateHub.Ticket, AsyncStream<(UpdateHub.Outcome, CreatedUpdates?)>) {
        let ticket = try hub.register(feed: feed, timeout: .seconds(30))
        let (stream, continuation) = AsyncStream.makeStream(of: (UpdateHub.Outcome, CreatedUpdates?).self)
        hub.wait(ticket) { outcome, push in
            continuation.yield((outcome, push as? CreatedUpdates))
            continuation.finish()
        }
        return (ticket, stream)
    }

    @Test("a waiting poll gets the create's entry and the commit's counts, as a read of the stream would answer")
    func pushEqualsRead() async throws {
        let hub = UpdateHub(maxPollsPerUser: 4, maxPolls: 10)
        let database = try makeDatabase(hub: hub)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let ids = try await database.create(2, for: "ann", source: "comment", tenant: "t1")
        _ = try await database.applyEngagement(.read, to: [ids[0]], visibleTo: nil)
        let since = try await database.updates(of: ann, since: nil, limit: 100).position
        let (ticket, signals) = try park(hub, ann)
        defer { hub.release(ticket) }
        _ = try await database.createMessages(newMessages(["ann", "bob"], source: "s", tenant: "t"), idempotency: nil)
        var iterator = signals.makeAsyncIterator()
        let (outcome, push) = try #require(await iterator.next())
        #expect(outcome == .woken)
        let created = try #require(push)
        let pushed = try #require(created.answer(since: since, limit: 100))
        let read = try await database.updates(of: ann, since: since, limit: 100)
        #expect(pushed.json() == read.json())
        #expect(pushed.counts == FeedCounts(totalCount: 3, unreadCount: 2, unseenCount: 3))
        #expect(created.answer(since: pushed.position, limit: 100)?.isEmpty == true)
    }

    @Test("a commit signalled before the poll attached pushes nothing: the poll reads the stream")
    func earlySignalCarriesNothing() async throws {
        let hub = UpdateHub(maxPollsPerUser: 4, maxPolls: 10)
        let database = try makeDatabase(hub: hub)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let ticket = try hub.register(feed: ann, timeout: .seconds(30))
        defer { hub.release(ticket) }
        _ = try await database.create(1, for: "ann")
        let received = Mutex<[(UpdateHub.Outcome, Bool)]>([])
        hub.wait(ticket) { outcome, push in received.withLock { $0.append((outcome, push != nil)) } }
        let signals = received.withLock { $0 }
        #expect(signals.count == 1)
        #expect(signals.first?.0 == .woken && signals.first?.1 == false)
    }

    @Test("pushes are aligned with the entries: every entry of a polled feed gets all of that feed's entries")
    func pushesAlignWithEntries() async throws {
        let database = try makeDatabase()
        _ = try await database.create(2, for: "ann")
        _ = try await database.create(1, for: "bob")
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let bob = FeedKey(userID: "bob", channelID: "in-app")
        let pushes = try await database.pool.read { db in
            let ids = try AppDatabase.feedIDs(for: ["ann", "bob"], channelID: "in-app", db: db)
            let (annID, bobID) = (ids[0], ids[1])
            func entry(_ feed: FeedKey, _ feedID: Int64, _ position: Int64) -> CreatedEntry {
                CreatedEntry(
                    feed: feed, feedID: feedID,
                    entry: UpdateStream.Entry(position: position, kind: .messageCreated, insertedAt: 0))
            }
            // Two creates of one group commit, both to ann; bob has no poll open.
            let created = [entry(ann, annID, 20), entry(bob, bobID, 21), entry(ann, annID, 19)]
            return try CreatedUpdates.pushes(created, polled: { $0.map { $0 == ann } }, db: db)
                .map { $0 as? CreatedUpdates }
        }
        #expect(pushes.count == 3)
        #expect(pushes[1] == nil)
        for push in [pushes[0], pushes[2]] {
            #expect(push?.entries.map(\.position) == [19, 20])
            #expect(push?.counts == FeedCounts(totalCount: 2, unreadCount: 2, unseenCount: 2))
        }
        let none = try await database.pool.read { db in
            try CreatedUpdates.pushes(
                [CreatedEntry(feed: bob, feedID: 1, entry: .init(position: 1, kind: .messageCreated, insertedAt: 0))],
                polled: { $0.map { _ in false } }, db: db)
        }
        #expect(none.isEmpty)
    }

    @Test("a pushed answer holds the entries after the poll's cursor, or defers to a read past its limit")
    func answerRespectsCursorAndLimit() throws {
        let feed = FeedKey(userID: "ann", channelID: "in-app")
        let entries = [10, 12].map { position in
            UpdateStream.Entry(position: Int64(position), kind: .messageCreated, insertedAt: 0)
        }
        let pushed = CreatedUpdates(
            feed: feed, entries: entries, counts: FeedCounts(totalCount: 2, unreadCount: 2, unseenCount: 2))
        #expect(pushed.answer(since: 9, limit: 100)?.entries.map(\.position) == [10, 12])
        #expect(pushed.answer(since: 9, limit: 100)?.position == 12)
        #expect(pushed.answer(since: 10, limit: 100)?.entries.map(\.position) == [12])
        #expect(pushed.answer(since: 12, limit: 100)?.isEmpty == true)
        #expect(pushed.answer(since: 12, limit: 100)?.position == 12)
        #expect(pushed.answer(since: 9, limit: 1) == nil)
    }
}
