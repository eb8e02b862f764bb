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

    @Test("pushes align with the entries: each entry of a polled feed gets all its feed's entries and last counts")
    func pushesAlignWithEntries() {
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let bob = FeedKey(userID: "bob", channelID: "in-app")
        let cid = FeedKey(userID: "cid", channelID: "in-app")
        func entry(_ feed: FeedKey, _ feedID: Int64, _ position: Int64, total: Int) -> CreatedEntry {
            CreatedEntry(
                feed: feed, feedID: feedID, counts: FeedCounts(totalCount: total, unreadCount: total, unseenCount: 1),
                entry: UpdateStream.Entry(position: position, kind: .messageCreated, insertedAt: 0))
        }
        // Three creates of one group commit, two of them to ann; bob has no poll open.
        let created = [
            entry(ann, 1, 20, total: 6), entry(bob, 2, 21, total: 3), entry(cid, 3, 22, total: 1),
            entry(ann, 1, 19, total: 5),
        ]
        let pushes = CreatedUpdates.pushes(created, polled: created.map { $0.feed != bob }, round: PushRound())
            .map { $0 as? CreatedUpdates }
        #expect(pushes.count == 4)
        #expect(pushes[1] == nil)
        for push in [pushes[0], pushes[3]] {
            #expect(push?.entries.map(\.position) == [19, 20])
            #expect(push?.counts == FeedCounts(totalCount: 6, unreadCount: 6, unseenCount: 1))
        }
        #expect(pushes[0] === pushes[3])
        #expect(pushes[2]?.entries.map(\.position) == [22])
        #expect(pushes[2]?.counts == FeedCounts(totalCount: 1, unreadCount: 1, unseenCount: 1))
        #expect(CreatedUpdates.pushes([entry(bob, 2, 1, total: 1)], polled: [false], round: PushRound()).isEmpty)
    }

    @Test("a commit's pushes share its round, which runs what was left to its end once, in order")
    func pushRound() {
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let entry = CreatedEntry(
            feed: ann, feedID: 1, counts: FeedCounts(totalCount: 1, unreadCount: 1, unseenCount: 1),
            entry: UpdateStream.Entry(position: 1, kind: .messageCreated, insertedAt: 0))
        let round = PushRound()
        let pushed = CreatedUpdates.pushes([entry], polled: [true], round: round).first as? CreatedUpdates
        #expect(pushed?.round === round)
        var ran = [Int]()
        round.atEnd { ran.append(1) }
        round.atEnd { ran.append(2) }
        #expect(ran.isEmpty)
        round.end()
        round.end()
        #expect(ran == [1, 2])
    }

    @Test("creates sharing a commit push each polled feed all its entries and its counts at that commit")
    func groupCommitPush() async throws {
        let hub = UpdateHub(maxPollsPerUser: 4, maxPolls: 10)
        let database = try makeDatabase(hub: hub)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        try await database.create(1, for: "ann")
        _ = try await database.applyEngagement(.read, to: try await database.create(1, for: "ann"), visibleTo: nil)
        let since = try await database.updates(of: ann, since: nil, limit: 100).position
        let (ticket, signals) = try park(hub, ann)
        defer { hub.release(ticket) }
        // Queued together, so they may share a commit. Either way the push holds ann's entries
        // of the commit that woke the poll, and ann's counts at that commit, not later ones.
        async let first = database.createMessages(newMessages(["ann", "bob"]), idempotency: nil)
        async let second = database.createMessages(newMessages(["cid", "ann"]), idempotency: nil)
        var iterator = signals.makeAsyncIterator()
        let (outcome, push) = try #require(await iterator.next())
        _ = try await (first, second)
        #expect(outcome == .woken)
        let created = try #require(push)
        let pushed = try #require(created.answer(since: since, limit: 100))
        let read = try await database.updates(of: ann, since: since, limit: 100)
        #expect(read.entries.count == 2)
        #expect(read.entries.prefix(pushed.entries.count).map(\.position) == pushed.entries.map(\.position))
        let added = pushed.entries.count
        #expect(pushed.counts == FeedCounts(totalCount: 2 + added, unreadCount: 1 + added, unseenCount: 2 + added))
        #expect(read.counts == FeedCounts(totalCount: 4, unreadCount: 3, unseenCount: 4))
    }

    @Test("a pushed answer holds the entries after the poll's cursor, or defers to a read past its limit")
    func answerRespectsCursorAndLimit() throws {
        let feed = FeedKey(userID: "ann", channelID: "in-app")
        let entries = [10, 12].map { position in
            UpdateStream.Entry(position: Int64(position), kind: .messageCreated, insertedAt: 0)
        }
        let pushed = CreatedUpdates(
            feed: feed, entries: entries, counts: FeedCounts(totalCount: 2, unreadCount: 2, unseenCount: 2),
            round: PushRound())
        #expect(pushed.answer(since: 9, limit: 100)?.entries.map(\.position) == [10, 12])
        #expect(pushed.answer(since: 9, limit: 100)?.position == 12)
        #expect(pushed.answer(since: 10, limit: 100)?.entries.map(\.position) == [12])
        #expect(pushed.answer(since: 12, limit: 100)?.isEmpty == true)
        #expect(pushed.answer(since: 12, limit: 100)?.position == 12)
        #expect(pushed.answer(since: 9, limit: 1) == nil)
    }
}
