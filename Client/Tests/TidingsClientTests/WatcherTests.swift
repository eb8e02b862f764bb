import Foundation
import Testing
import TidingsAPI
import TidingsClient

@Suite("FeedWatcher and long polls against a real server")
struct WatcherTests {
    @Test("updates with no since answers at once with the current cursor; with since it waits for the next event")
    func updates() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let start = try await client.updates(user: "ann", channel: "in-app", since: nil)
            #expect(start.events.isEmpty)
            let poll = Task {
                try await client.updates(user: "ann", channel: "in-app", since: start.cursor, timeout: 30)
            }
            let ids = try await client.send("wake up", to: ["ann"])
            let answer = try await poll.value
            #expect(answer.events.map(\.type) == [.messageCreated])
            #expect(answer.events.first?.message?.id == ids.first)
            #expect(answer.meta.unreadCount == 1)
            let empty = try await client.updates(user: "ann", channel: "in-app", since: answer.cursor, timeout: 0)
            #expect(empty.events.isEmpty)
            #expect(empty.cursor == answer.cursor)
        }
    }

    @Test("FeedWatcher delivers every kind of event once, in order")
    func deliversInOrder() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "bob", channel: "in-app", since: nil).cursor
            let ids = try await client.sendMany(2, to: "bob")
            _ = try await client.setEngagement(.read, messageID: ids[0])
            _ = try await client.bulk(.read, channel: "in-app", filter: BulkRequest(userIDs: ["bob"]))
            var events = [FeedEvent]()
            for try await update in FeedWatcher(client: client, user: "bob", channel: "in-app", since: cursor, limit: 1)
            {
                guard case .event(let event) = update else { continue }
                events.append(event)
                if events.count == 4 { break }
            }
            #expect(events.map(\.type) == [.messageCreated, .messageCreated, .messageUpdated, .feedBulkUpdated])
            #expect(events.prefix(3).map { $0.message?.id } == [ids[0], ids[1], ids[0]])
            #expect(events.last?.bulk == FeedEvent.Bulk(action: "read", rows: 1))
            #expect(Set(events.map(\.id)).count == 4)
        }
    }

    @Test("cancelling a FeedWatcher ends its waiting poll at once")
    func cancels() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "cat", channel: "in-app", since: nil).cursor
            let (first, firstArrived) = AsyncStream<Void>.makeStream()
            let watching = Task {
                var count = 0
                for try await update in FeedWatcher(
                    client: client, user: "cat", channel: "in-app", since: cursor, pollTimeout: 60)
                {
                    if case .event = update { count += 1 }
                    firstArrived.yield()
                }
                return count
            }
            _ = try await client.send("one", to: ["cat"])
            for await _ in first { break }
            let clock = ContinuousClock()
            let started = clock.now
            watching.cancel()
            #expect(try await watching.value == 1)
            #expect(clock.now - started < .seconds(20))  // loose: the machine may be busy
        }
    }

    @Test("FeedWatcher keeps each poll's wait within 1-60 s: a wait of 0 would poll a quiet feed nonstop")
    func pollTimeoutRange() throws {
        let client = try TidingsClient(baseURL: try #require(URL(string: "http://127.0.0.1:1")), credential: nil)
        let waits = [-5, 0, 1, 25, 60, 61].map { FeedWatcher(client: client, user: "u", channel: "c", pollTimeout: $0) }
        #expect(waits.map(\.pollTimeout) == [1, 1, 1, 25, 60, 60])
    }

    @Test("FeedWatcher throws for errors that retrying cannot fix")
    func throwsPermanentErrors() async throws {
        try await TestServer.with { server in
            let client = try server.client(credential: "sk_wrong")
            await #expect(throws: TidingsClientError.self) {
                for try await _ in FeedWatcher(client: client, user: "dan", channel: "in-app") {}
            }
        }
    }

    @Test("FeedWatcher reloads the feed on 410 and continues from its updates_cursor")
    func resyncsExpiredCursor() async throws {
        let first = try await TestServer(arguments: ["--updates-max-per-feed", "100"])
        let cursor = try await first.client().updates(user: "eve", channel: "in-app", since: nil).cursor
        _ = try await first.client().sendMany(105, to: "eve")
        await first.stop()
        let server = try await first.restarted()
        let client = try server.client()
        // The pruner starts beside the listener: poll the server's own answer until the old
        // cursor has expired, so the watcher below meets the 410 and not a race with it.
        let deadline = ContinuousClock.now + .seconds(30)
        while try await isLive(cursor, client) {
            guard ContinuousClock.now < deadline else {
                Issue.record("the restarted server never pruned the stream")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        var iterator = FeedWatcher(client: client, user: "eve", channel: "in-app", since: cursor).makeAsyncIterator()
        guard case .resynced(let page) = try await iterator.next() else {
            Issue.record("no resync after an expired cursor")
            return
        }
        #expect(page.meta.totalCount == 105)
        #expect(page.meta.markedSeen == 0)
        let ids = try await client.send("after the reload", to: ["eve"])
        guard case .event(let event) = try await iterator.next() else {
            Issue.record("no event after the resync")
            return
        }
        #expect(event.message?.id == ids.first)
        await server.stop(removingData: true)
    }

    /// Whether the server still answers polls from `cursor` (false once it answers 410).
    private func isLive(_ cursor: String, _ client: TidingsClient) async throws -> Bool {
        do {
            _ = try await client.updates(user: "eve", channel: "in-app", since: cursor, timeout: 0)
            return true
        } catch let error as TidingsClientError where error.status == 410 {
            return false
        }
    }

    @Test("FeedWatcher retries while the server restarts and resumes without losing or repeating an event")
    func survivesRestart() async throws {
        let first = try await TestServer()
        let client = try first.client()
        let cursor = try await client.updates(user: "fay", channel: "in-app", since: nil).cursor
        let watcher = FeedWatcher(
            client: client, user: "fay", channel: "in-app", since: cursor, pollTimeout: 60,
            backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(500)))
        let (stream, continuation) = AsyncThrowingStream<WatchUpdate, any Error>.makeStream()
        let consumer = Task {
            do {
                for try await update in watcher { continuation.yield(update) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        var updates = stream.makeAsyncIterator()
        var seen = [String]()
        var log = [WatchUpdate]()
        func read(until done: (WatchUpdate) -> Bool) async throws {
            while let update = try await updates.next() {
                log.append(update)
                if case .event(let event) = update { seen.append(event.message?.id ?? "") }
                if done(update) { return }
            }
        }
        let before = try await client.sendMany(2, to: "fay")
        try await read { _ in seen.count == 2 }
        await first.stop()
        try await read { if case .retrying = $0 { true } else { false } }  // it noticed the server is gone
        let second = try await first.restarted()
        // Back with nothing new to tell: the first poll after the failure does not wait, so
        // the watcher says it reconnected long before its 60 s poll would have answered.
        let clock = ContinuousClock()
        let restarted = clock.now
        try await read { if case .reconnected = $0 { true } else { false } }
        #expect(clock.now - restarted < .seconds(30))
        // A fresh session: the old one may hold a pooled connection to the stopped server.
        let after = try await second.client().sendMany(2, to: "fay")
        try await read { _ in seen.count == 4 }
        consumer.cancel()
        #expect(seen == before + after)
        await second.stop(removingData: true)
    }
}
