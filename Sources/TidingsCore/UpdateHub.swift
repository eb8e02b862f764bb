import Synchronization

/// Where waiting long polls park until their feed changes. A poll registers *before* it
/// reads the stream and is signalled by every commit to its feed from then on, so nothing
/// committed between its read and its wait is missed. A waiting poll is a slot in a
/// dictionary and a continuation: no thread and no task of its own; one shared timer task
/// answers deadlines.
public final class UpdateHub: Sendable {
    /// Why a wait ended.
    public enum Outcome: Sendable, Equatable {
        case woken, timedOut, shutdown, cancelled
    }

    /// One registered poll.
    public struct Ticket: Sendable, Hashable {
        public let id: UInt64
        public let feed: FeedKey
    }

    private let state: Mutex<HubState>
    private let maxPollsPerUser: Int
    private let maxPolls: Int
    private let origin = ContinuousClock.now
    /// Granularity of deadlines.
    static let tickMilliseconds: Int64 = 10

    public init(maxPollsPerUser: Int, maxPolls: Int) {
        self.maxPollsPerUser = maxPollsPerUser
        self.maxPolls = maxPolls
        self.state = Mutex(HubState())
    }

    /// Polls registered and not yet released (what the limits count).
    public var openPolls: Int { state.withLock { $0.slots.count } }

    /// Open polls that have read the stream and waited: a poll counts from when it first
    /// parks until it is released. One still reading its first answer is open, not waiting.
    public var waitingPolls: Int { state.withLock { $0.waiting } }

    /// Registers a poll on `feed` that times out after `timeout`. Refused with `429` past
    /// the per-user limit and `503` past the server-wide one. After shutdown began, the
    /// ticket is already signalled `.shutdown`.
    public func register(feed: FeedKey, timeout: Duration) throws(TidingsError) -> Ticket {
        let deadline = tick(after: timeout)
        let result: Result<(Ticket, Bool), TidingsError> = state.withLock { state in
            if state.slots.count >= maxPolls {
                return .failure(.unavailable("The server holds its maximum of \(maxPolls) open polls.", retryAfter: 5))
            }
            if state.perUser[feed.userID, default: 0] >= maxPollsPerUser {
                return .failure(
                    .tooManyRequests("At most \(maxPollsPerUser) open polls per user.", retryAfter: 5))
            }
            let ticket = state.add(feed: feed, deadline: deadline)
            if state.shuttingDown { state.slots[ticket.id]?.signal = .shutdown }
            let startTimer = !state.timerRunning
            state.timerRunning = true
            return .success((ticket, startTimer))
        }
        let (ticket, startTimer) = try result.get()
        if startTimer { Task { await self.runTimer() } }
        return ticket
    }

    /// Waits until the ticket is signalled (possibly already). Returns at once with
    /// `.cancelled` for a released ticket.
    public func wait(_ ticket: Ticket) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            if let immediate = attach(.continuation(continuation), to: ticket) {
                continuation.resume(returning: immediate)
            }
        }
    }

    /// Calls `onSignal` once, when the ticket is signalled (at once if it already is, with
    /// `.cancelled` for a released ticket). A poll parked this way holds no task: the
    /// callback runs on whichever thread signals it, so it should only hand work off.
    ///
    /// A wake-up that finds this callback attached carries what `notify` pushed for the
    /// feed, if anything: the changes of the commit that woke it, which are then all that
    /// happened to the feed since the poll last read it (every earlier commit to the feed
    /// would have signalled it first). A signal that arrives before the callback is
    /// attached carries nothing, and the poll reads the stream.
    public func wait(_ ticket: Ticket, onSignal: @escaping @Sendable (Outcome, (any Sendable)?) -> Void) {
        if let immediate = attach(.callback(onSignal), to: ticket) { onSignal(immediate, nil) }
    }

    /// Attaches a waiter to the ticket's slot, or returns the outcome it must get at once.
    private func attach(_ waiter: HubState.Waiter, to ticket: Ticket) -> Outcome? {
        let (immediate, watchers): (Outcome?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            guard let index = state.slots.index(forKey: ticket.id) else { return (.cancelled, []) }
            let (early, firstWait) = state.slots.values[index].attach(waiter)
            guard firstWait else { return (early, []) }
            state.waiting += 1
            return (nil, state.satisfiedWatchers())
        }
        for watcher in watchers { watcher.resume() }
        return immediate
    }

    /// Returns once at least `count` polls are waiting (`waitingPolls`; tests wait on this
    /// before they change a feed).
    public func waitForWaitingPolls(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.waiting >= count { return true }
                state.waitingWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Frees the ticket's slot; a wait still pending on it ends `.cancelled`.
    public func release(_ ticket: Ticket) {
        release([ticket])
    }

    /// Frees many tickets' slots under one lock (`release` for each): the polls one commit
    /// answers on an event loop, which otherwise took the lock a thousand times while the
    /// writer held it to wake the next commit's polls.
    public func release(_ tickets: [Ticket]) {
        let pending = state.withLock { state in tickets.compactMap { state.remove($0.id) } }
        for waiter in pending { waiter.resume(.cancelled, push: nil) }
    }

    /// Ends the ticket's wait with `.cancelled` (its client went away).
    public func cancel(_ ticket: Ticket) {
        signal([ticket.id], .cancelled)
    }

    /// Wakes every poll waiting on one of `feeds` (called after a commit, on the writer's
    /// queue, so in commit order). `pushes`, if given, is aligned with `feeds`: `pushes[i]`
    /// is the commit's changes to `feeds[i]`, if any, handed to the polls whose callback is
    /// attached (see `wait`).
    public func notify(_ feeds: [FeedKey], pushes: [(any Sendable)?] = []) {
        notify(feeds) { _ in pushes }
    }

    /// Wakes every poll waiting on one of `feeds`, in one pass under the lock: the feeds are
    /// looked up once, for the wake-up and for which of them have polls open (`polled`, aligned
    /// with `feeds`). `makePushes(polled)` then builds the pushes, aligned with `feeds` (or
    /// none), outside the lock; the woken waiters get theirs. A commit that wakes a thousand
    /// polls used to look its feeds up three times (`polled`, then the feeds' slots, then
    /// each slot) before its first answer could leave.
    public func notify(_ feeds: [FeedKey], pushes makePushes: (_ polled: [Bool]) -> [(any Sendable)?]) {
        let (polled, woken): ([Bool], [(HubState.Waiter, Int)]) = state.withLock { state in
            var polled = [Bool](repeating: false, count: feeds.count)
            var woken = [(HubState.Waiter, Int)]()
            for (index, feed) in feeds.enumerated() {
                guard let slots = state.byFeed[feed] else { continue }
                polled[index] = true
                switch slots {
                case .one(let id):
                    if let waiter = state.wake(id, .woken) { woken.append((waiter, index)) }
                case .many(let ids):
                    for id in ids {
                        if let waiter = state.wake(id, .woken) { woken.append((waiter, index)) }
                    }
                }
            }
            return (polled, woken)
        }
        guard !woken.isEmpty else { return }
        let pushes = makePushes(polled)
        // By index: iterating the pairs copied each waiter out (a retain and a release per poll).
        for position in woken.indices {
            woken[position].0.resume(.woken, push: pushes.isEmpty ? nil : pushes[woken[position].1])
        }
    }

    /// Which of `feeds` have polls open now: the per-feed index that `notify` reads, as
    /// tests inspect it (the server learns it from `notify` itself).
    func polled(_ feeds: [FeedKey]) -> [Bool] {
        state.withLock { state in feeds.map { state.byFeed[$0] != nil } }
    }

    /// Answers every poll, now and from now on, with `.shutdown`.
    public func shutdown() {
        let ids: [UInt64] = state.withLock { state in
            guard !state.shuttingDown else { return [] }
            state.shuttingDown = true
            return Array(state.slots.keys)
        }
        signal(ids, .shutdown)
    }

    /// Signals slots, resuming their waiters outside the lock (copy under the lock, notify
    /// outside it).
    private func signal(_ ids: [UInt64], _ outcome: Outcome) {
        let resumable: [HubState.Waiter] = state.withLock { state in ids.compactMap { state.wake($0, outcome) } }
        for waiter in resumable { waiter.resume(outcome, push: nil) }
    }

    private func tick(after duration: Duration) -> Int64 {
        let elapsed = (ContinuousClock.now + duration) - origin
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return (milliseconds + Self.tickMilliseconds - 1) / Self.tickMilliseconds
    }

    /// The one timer of the hub: while polls are open, expires deadlines every tick.
    private func runTimer() async {
        while true {
            try? await Task.sleep(for: .milliseconds(Self.tickMilliseconds))
            let now = tick(after: .zero)
            let (expired, keepRunning): ([UInt64], Bool) = state.withLock { state in
                let expired = state.expire(through: now)
                if state.slots.isEmpty { state.timerRunning = false }
                return (expired, state.timerRunning)
            }
            if !expired.isEmpty { signal(expired, .timedOut) }
            if !keepRunning { return }
        }
    }
}
