import Foundation
import GRDB
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Creates sharing write transactions")
struct CreateGroupTests {
    @Test("concurrent creates each get their own answer; one that fails leaves the others whole")
    func failureIsolated() async throws {
        let database = try makeDatabase()
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER refuse_doomed BEFORE INSERT ON message
                    WHEN (SELECT user_id FROM feed WHERE id = NEW.feed_id) = 'doomed'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
        }
        let users = (0..<40).map { "u\($0)" } + ["doomed"]
        let results = await withTaskGroup(of: (String, [String]?).self) { group in
            for user in users {
                group.addTask {
                    guard case .created(let body) = try? await database.createMessages(newMessages([user]), idempotency: nil),
                        let response = try? JSONDecoder().decode(CreateMessagesResponse.self, from: Data(body))
                    else { return (user, nil) }
                    return (user, response.messages.map(\.recipient))
                }
            }
            return await group.reduce(into: [String: [String]?]()) { $0[$1.0] = $1.1 }
        }
        for user in users.dropLast() {
            #expect(results[user] == .some([user]))
            #expect(try await database.peek(FeedKey(userID: user, channelID: "in-app")).meta.totalCount == 1)
        }
        #expect(results["doomed"] == .some(nil))
        let stored = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message") }
        #expect(stored == 40)
        #expect(try await BulkWalkTests.countersAreExact(database))
    }

    @Test("a create leads only with nothing queued or running; what queues behind it gets the runner")
    func leadThenRunner() async throws {
        let groups = CreateGroups()
        #expect(groups.tryLead())
        #expect(!groups.tryLead(), "one writer's turn at a time")
        #expect(!groups.finishLead(), "nothing queued: no runner")
        #expect(groups.tryLead())
        // A create queued during a lead starts no runner itself; the lead's end must.
        let (queued, queuedNow) = AsyncStream.makeStream(of: Bool.self)
        let answer = Task {
            try await withCheckedThrowingContinuation { continuation in
                let request = CreateGroups.Request(
                    new: newMessages(["ann"]), idempotency: nil, now: .now(), continuation: continuation)
                queuedNow.yield(groups.enqueue(request))
            }
        }
        var iterator = queued.makeAsyncIterator()
        #expect(await iterator.next() == false)
        #expect(groups.finishLead())
        #expect(!groups.tryLead(), "the runner holds the turn until the queue is empty")
        let group = try #require(groups.nextGroup())
        #expect(group.map(\.new.recipients) == [["ann"]])
        group[0].continuation.resume(returning: .created(body: []))
        _ = try await answer.value
        #expect(groups.nextGroup() == nil)
        #expect(groups.tryLead())
    }

    @Test("a group stops at 64 creates or 2,000 recipients, and a larger create goes alone")
    func groupLimits() {
        #expect(CreateGroups.groupSize([]) == 0)
        #expect(CreateGroups.groupSize(Array(repeating: 1, count: 100)) == 64)
        #expect(CreateGroups.groupSize([1000, 1000, 1]) == 2)
        #expect(CreateGroups.groupSize([1000, 1001]) == 1)
        #expect(CreateGroups.groupSize([5000, 1]) == 1)
        #expect(CreateGroups.groupSize([1, 5000]) == 1)
    }
}
