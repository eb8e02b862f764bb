/// The bookkeeping of `UpdateHub`, only ever touched under its lock.
struct HubState {
    struct Slot {
        var feed: FeedKey
        var deadline: Int64
        var signal: UpdateHub.Outcome?
        var waiter: Waiter?
        /// A waiter was attached once: the poll has read the stream and waited.
        var hasWaited = false

        // Slots are read and changed through these mutating methods, called on
        // `slots.values[index]`: a plain read through that subscript copies the whole slot
        // (retaining its feed and waiter), which was a tenth of a wake-up's cost.

        /// Attaches `waiter`, or hands back the signal that came first. `firstWait` is true
        /// the first time a waiter is attached to this slot.
        mutating func attach(_ waiter: Waiter) -> (signal: UpdateHub.Outcome?, firstWait: Bool) {
            if let early = signal.take() { return (early, false) }
            self.waiter = waiter
            defer { hasWaited = true }
            return (nil, !hasWaited)
        }

        /// Takes the waiter out to be resumed; with none attached, keeps `outcome` for the
        /// next attach (a wake-up never replaces an earlier outcome of another kind).
        mutating func wake(_ outcome: UpdateHub.Outcome) -> Waiter? {
            if let waiter = waiter.take() { return waiter }
            if signal == nil || outcome != .woken { signal = outcome }
            return nil
        }
    }

    /// Who is told when a slot is signalled: a suspended task, or (for polls parked by the
    /// HTTP layer without a task) a callback.
    enum Waiter {
        case continuation(CheckedContinuation<UpdateHub.Outcome, Never>)
        case callback(@Sendable (UpdateHub.Outcome, (any Sendable)?) -> Void)

        func resume(_ outcome: UpdateHub.Outcome, push: (any Sendable)?) {
            switch self {
            case .continuation(let continuation): continuation.resume(returning: outcome)
            case .callback(let callback): callback(outcome, push)
            }
        }
    }

    /// The slots open on one feed: nearly always one, kept without a set of its own.
    enum FeedSlots {
        case one(UInt64)
        case many(Set<UInt64>)

        mutating func insert(_ id: UInt64) {
            switch self {
            case .one(let other): self = .many([other, id])
            case .many(var ids):
                self = .one(0)  // let `ids` be uniquely referenced while it grows
                ids.insert(id)
                self = .many(ids)
            }
        }

        /// Removes `id`; false when no slot is left.
        mutating func remove(_ id: UInt64) -> Bool {
            switch self {
            case .one(let other): return other != id
            case .many(var ids):
                self = .one(0)
                ids.remove(id)
                if ids.count == 1, let last = ids.first { self = .one(last) } else { self = .many(ids) }
                return !ids.isEmpty
            }
        }
    }

    var slots: [UInt64: Slot] = [:]
    /// Slots that have had a waiter attached (`Slot.hasWaited`).
    var waiting = 0
    var byFeed: [FeedKey: FeedSlots] = [:]
    var perUser: [String: Int] = [:]
    var deadlines: [Int64: [UInt64]] = [:]
    var nextID: UInt64 = 0
    var shuttingDown = false
    var timerRunning = false
    /// Callers of `UpdateHub.waitForWaitingPolls` and the count each waits for.
    var waitingWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Watchers whose count is now reached, removed from the list.
    mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
        guard !waitingWatchers.isEmpty else { return [] }
        let ready = waitingWatchers.filter { $0.count <= waiting }.map(\.continuation)
        waitingWatchers.removeAll { $0.count <= waiting }
        return ready
    }

    // `byFeed` and `perUser` are reached through an index found once: their keys are
    // strings, which a release hashed up to five times (read, then write, of each).

    mutating func add(feed: FeedKey, deadline: Int64) -> UpdateHub.Ticket {
        nextID += 1
        slots[nextID] = Slot(feed: feed, deadline: deadline)
        if let index = byFeed.index(forKey: feed) {
            byFeed.values[index].insert(nextID)
        } else {
            byFeed[feed] = .one(nextID)
        }
        perUser[feed.userID, default: 0] += 1
        deadlines[deadline, default: []].append(nextID)
        return UpdateHub.Ticket(id: nextID, feed: feed)
    }

    /// Signals a slot (see `Slot.wake`), returning its waiter to resume, if one is attached.
    mutating func wake(_ id: UInt64, _ outcome: UpdateHub.Outcome) -> Waiter? {
        guard let index = slots.index(forKey: id) else { return nil }
        return slots.values[index].wake(outcome)
    }

    /// Removes a slot, returning a waiter still waiting on it.
    mutating func remove(_ id: UInt64) -> Waiter? {
        guard let slot = slots.removeValue(forKey: id) else { return nil }
        if let index = byFeed.index(forKey: slot.feed), !byFeed.values[index].remove(id) {
            byFeed.remove(at: index)
        }
        if let index = perUser.index(forKey: slot.feed.userID) {
            perUser.values[index] -= 1
            if perUser.values[index] <= 0 { perUser.remove(at: index) }
        }
        if slot.hasWaited { waiting -= 1 }
        return slot.waiter
    }

    /// The open slots whose deadline is at or before `tick`.
    mutating func expire(through tick: Int64) -> [UInt64] {
        let due = deadlines.keys.filter { $0 <= tick }
        var expired = [UInt64]()
        for key in due {
            for id in deadlines.removeValue(forKey: key) ?? [] where slots[id] != nil { expired.append(id) }
        }
        return expired
    }
}
