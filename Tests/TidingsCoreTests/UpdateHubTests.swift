import Synchronization
import Testing

@testable import TidingsCore

@Suite("The hub of waiting polls")
struct UpdateHubTests {
    @Test("a notify wakes every poll of the feed and no other, however many share it, as they come and go")
    func wakesByFeed() throws {
        let hub = UpdateHub(maxPollsPerUser: 8, maxPolls: 100)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let bob = FeedKey(userID: "bob", channelID: "in-app")
        let woken = Mutex<[UInt64]>([])
        func park(_ feed: FeedKey) throws -> UpdateHub.Ticket {
            let ticket = try hub.register(feed: feed, timeout: .seconds(30))
            hub.wait(ticket) { outcome, _ in
                if outcome == .woken { woken.withLock { $0.append(ticket.id) } }
            }
            return ticket
        }
        let anns = try (0..<3).map { _ in try park(ann) }
        let bobs = [try park(bob)]
        defer { (anns + bobs).forEach(hub.release) }
        hub.release(anns[1])
        hub.notify([ann])
        #expect(Set(woken.withLock { $0 }) == [anns[0].id, anns[2].id])
        #expect(hub.polled([ann, bob, FeedKey(userID: "cy", channelID: "in-app")]) == [true, true, false])
        hub.release(anns[0])
        hub.release(anns[2])
        #expect(hub.polled([ann]) == [false])
        let again = try park(ann)
        defer { hub.release(again) }
        woken.withLock { $0 = [] }
        hub.notify([ann, bob], pushes: ["pushed", nil])
        #expect(Set(woken.withLock { $0 }) == [again.id, bobs[0].id])
        #expect(hub.openPolls == 2)
    }

    @Test("a waiter attached when the notify comes gets the feed's push; one signalled before gets none")
    func pushesReachAttachedWaiters() throws {
        let hub = UpdateHub(maxPollsPerUser: 8, maxPolls: 100)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let received = Mutex<[String?]>([])
        let attached = try hub.register(feed: ann, timeout: .seconds(30))
        hub.wait(attached) { _, push in received.withLock { $0.append(push as? String) } }
        let early = try hub.register(feed: ann, timeout: .seconds(30))
        defer { [attached, early].forEach(hub.release) }
        hub.notify([ann], pushes: ["entries"])
        hub.wait(early) { _, push in received.withLock { $0.append(push as? String) } }
        #expect(received.withLock { $0 } == ["entries", nil])
    }

    @Test("a poll counts as waiting from its first wait to its release, not while it reads its first answer")
    func waitingPolls() async throws {
        let hub = UpdateHub(maxPollsPerUser: 8, maxPolls: 100)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let first = try hub.register(feed: ann, timeout: .seconds(30))
        let second = try hub.register(feed: ann, timeout: .seconds(30))
        #expect(hub.openPolls == 2 && hub.waitingPolls == 0)
        let woken = Mutex(0)
        hub.wait(first) { _, _ in woken.withLock { $0 += 1 } }
        #expect(hub.waitingPolls == 1)
        async let bothWaiting: Void = hub.waitForWaitingPolls(2)
        hub.wait(second) { _, _ in woken.withLock { $0 += 1 } }
        await bothWaiting
        // Woken and answering, a poll still holds its slot and counts until released.
        hub.notify([ann])
        #expect(woken.withLock { $0 } == 2 && hub.waitingPolls == 2)
        hub.wait(first) { _, _ in }  // waits again: counted once
        #expect(hub.waitingPolls == 2)
        hub.release(first)
        hub.release(second)
        #expect(hub.openPolls == 0 && hub.waitingPolls == 0)
    }

    @Test("releasing many tickets at once frees their slots and user counts and cancels a wait still pending")
    func releaseMany() throws {
        let hub = UpdateHub(maxPollsPerUser: 2, maxPolls: 100)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let bob = FeedKey(userID: "bob", channelID: "in-app")
        let outcomes = Mutex<[UpdateHub.Outcome]>([])
        let tickets = try [ann, ann, bob].map { try hub.register(feed: $0, timeout: .seconds(30)) }
        #expect(throws: TidingsError.self) { try hub.register(feed: ann, timeout: .seconds(30)) }
        hub.wait(tickets[2]) { outcome, _ in outcomes.withLock { $0.append(outcome) } }
        hub.notify([ann])  // woken before they wait: the slots keep the signal until released
        hub.release(tickets + [tickets[0]])  // a ticket twice, as a poll released twice
        #expect(hub.openPolls == 0 && hub.waitingPolls == 0)
        #expect(hub.polled([ann, bob]) == [false, false])
        #expect(outcomes.withLock { $0 } == [.cancelled])
        let again = try [ann, ann].map { try hub.register(feed: $0, timeout: .seconds(30)) }
        hub.release(again)
        #expect(hub.openPolls == 0)
    }

    @Test("a ticket released twice leaves alone the poll that took its place, and every poll keeps its own")
    func staleTickets() throws {
        let hub = UpdateHub(maxPollsPerUser: 4, maxPolls: 100)
        let ann = FeedKey(userID: "ann", channelID: "in-app")
        let bob = FeedKey(userID: "bob", channelID: "in-app")
        let outcomes = Mutex<[String: UpdateHub.Outcome]>([:])
        let gone = try hub.register(feed: ann, timeout: .seconds(30))
        hub.release(gone)
        let taker = try hub.register(feed: bob, timeout: .seconds(30))  // reuses the released place
        let other = try hub.register(feed: ann, timeout: .seconds(30))
        #expect(Set([gone.id, taker.id, other.id]).count == 3)
        hub.wait(taker) { outcome, _ in outcomes.withLock { $0["taker"] = outcome } }
        hub.wait(gone) { outcome, _ in outcomes.withLock { $0["gone"] = outcome } }
        hub.release(gone)
        hub.cancel(gone)
        #expect(hub.openPolls == 2 && hub.waitingPolls == 1)
        #expect(outcomes.withLock { $0 } == ["gone": .cancelled])
        hub.notify([bob])
        #expect(outcomes.withLock { $0 } == ["gone": .cancelled, "taker": .woken])
        hub.release([taker, other, taker])
        #expect(hub.openPolls == 0 && hub.polled([ann, bob]) == [false, false])
    }

    @Test("one notify pass tells the push builder which feeds have polls, and hands each woken waiter its push")
    func notifyBuildsPushes() throws {
        let hub = UpdateHub(maxPollsPerUser: 8, maxPolls: 100)
        let (ann, bob, cy) = (
            FeedKey(userID: "ann", channelID: "in-app"), FeedKey(userID: "bob", channelID: "in-app"),
            FeedKey(userID: "cy", channelID: "in-app")
        )
        let received = Mutex<[String?]>([])
        let waiting = try hub.register(feed: ann, timeout: .seconds(30))
        hub.wait(waiting) { _, push in received.withLock { $0.append(push as? String) } }
        let early = try hub.register(feed: bob, timeout: .seconds(30))  // open, not waiting yet
        defer { [waiting, early].forEach(hub.release) }
        let seen = Mutex<[Bool]>([])
        hub.notify([ann, cy, bob]) { polled in
            seen.withLock { $0 = polled }
            return ["to ann", "to cy", "to bob"]
        }
        #expect(seen.withLock { $0 } == [true, false, true])
        hub.wait(early) { _, push in received.withLock { $0.append(push as? String) } }  // signalled before: no push
        #expect(received.withLock { $0 } == ["to ann", nil])
        let built = Mutex(false)
        hub.notify([cy, bob]) { _ in  // nobody is woken (bob's poll took its wake-up): no pushes are built
            built.withLock { $0 = true }
            return []
        }
        #expect(!built.withLock { $0 })
    }
}
