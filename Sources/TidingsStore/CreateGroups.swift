import Synchronization
import TidingsCore

/// The queue of creates waiting for the writer. While one group's transaction runs, the
/// creates that arrive meanwhile gather into the next group, so concurrent creates share
/// a commit (its WAL writes and the pages they have in common) instead of queueing for one
/// each.
final class CreateGroups: Sendable {
    struct Request: Sendable {
        let new: NewMessages
        let idempotency: IdempotencyClaim?
        let now: Timestamp
        let continuation: CheckedContinuation<CreateOutcome, any Error>
    }

    /// Most creates in one transaction.
    static let maxRequests = 64
    /// Most recipients in one transaction (a single larger create still goes alone): keeps
    /// each write transaction short, so other writers never wait long behind a group.
    static let maxRecipients = 2000

    private let state = Mutex<(queue: [Request], running: Bool)>(([], false))

    /// Queues a create; returns true when the caller must start the group runner.
    func enqueue(_ request: Request) -> Bool {
        state.withLock { state in
            state.queue.append(request)
            guard !state.running else { return false }
            state.running = true
            return true
        }
    }

    /// Takes the writer's turn for one create if no other create is queued or running: the
    /// caller writes it itself, then calls `finishLead`.
    func tryLead() -> Bool {
        state.withLock { state in
            guard !state.running, state.queue.isEmpty else { return false }
            state.running = true
            return true
        }
    }

    /// Ends a turn taken by `tryLead`; true when creates queued meanwhile and the caller
    /// must start the group runner for them.
    func finishLead() -> Bool {
        state.withLock { state in
            if state.queue.isEmpty { state.running = false }
            return state.running
        }
    }

    /// How many of the queued creates (their recipient counts, oldest first) go in the next
    /// group: at least one, then as many as fit both limits.
    static func groupSize(_ recipientCounts: [Int]) -> Int {
        var count = 0
        var recipients = 0
        for next in recipientCounts {
            if count > 0 && (count == maxRequests || recipients + next > maxRecipients) { break }
            count += 1
            recipients += next
        }
        return count
    }

    /// The next group, oldest first, or nil (and the runner stops) when none is queued.
    func nextGroup() -> [Request]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.running = false
                return nil
            }
            let count = Self.groupSize(state.queue.map(\.new.recipients.count))
            let group = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return group
        }
    }
}
