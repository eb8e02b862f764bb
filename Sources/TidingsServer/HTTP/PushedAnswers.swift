import NIOCore
import Synchronization
import TidingsCore
import TidingsStore

/// The answers a commit pushes to the polls of one event loop, handed over in one task per
/// burst instead of one task per poll: a 1,000-recipient create queues its answers here
/// from the writer's thread, and the loop releases their hub slots at once, then renders
/// and writes them in one go. An `.events` answer reaches its poll with its slot released.
final class PushedAnswers: Sendable {
    private struct Item {
        var waiter: ParkedWaiter
        var batch: UpdatesBatch
    }

    let eventLoop: any EventLoop
    private let hub: UpdateHub
    private let allocator = ByteBufferAllocator()
    /// Answers not yet handed over, and whether a task to hand them over is scheduled.
    private let queue = Mutex<(items: [Item], scheduled: Bool)>(([], false))
    /// Answers of a commit's round still being woken (`PushRound`), queued at its end or a
    /// piece at a time, and whether a piece of the round has been queued yet. Only the
    /// notifying thread takes this lock, so the loop never contends for it.
    private let held = Mutex<(items: [Item], started: Bool)>(([], false))

    init(eventLoop: any EventLoop, hub: UpdateHub) {
        self.eventLoop = eventLoop
        self.hub = hub
    }

    /// Queues a woken poll's batch; the waiter gets its answer on the loop. The batch waits
    /// for the end of the commit's round with the others bound for this loop.
    func push(_ batch: UpdatesBatch, of waiter: ParkedWaiter, in round: PushRound) {
        let item = Item(waiter: waiter, batch: batch)
        let (first, full) = held.withLock { held in
            held.items.append(item)
            let piece = held.started ? Self.piece : Self.firstPiece
            return (held.items.count == 1 && !held.started, held.items.count >= piece)
        }
        // One ending per round, left by its first push: it releases what the last piece left.
        if first { round.atEnd { self.releaseHeld(endingRound: true) } }
        if full { releaseHeld(endingRound: false) }
    }

    /// Most answers held back in a round: the loop starts on the first ones while the
    /// round goes on.
    private static let piece = 128
    /// The first piece of a round is smaller: until it crosses, the loop (and the client
    /// it answers) has nothing to do.
    private static let firstPiece = 16

    /// Moves what is held to the loop's queue and schedules a hand-over unless one is.
    private func releaseHeld(endingRound: Bool) {
        let items = held.withLock { held in
            var taken = [Item]()
            swap(&taken, &held.items)
            held.started = !endingRound
            return taken
        }
        guard !items.isEmpty else { return }
        let schedule = queue.withLock { queue in
            queue.items.append(contentsOf: items)
            defer { queue.scheduled = true }
            return !queue.scheduled
        }
        if schedule { eventLoop.execute { self.handOver() } }
    }

    /// Renders and hands over everything queued so far; pushes that arrive meanwhile
    /// schedule the next task.
    private func handOver() {
        let items = queue.withLock { queue in
            queue.scheduled = false
            var items = [Item]()
            swap(&items, &queue.items)
            return items
        }
        // An array, not a lazy sequence: generic across the module boundary, that took a
        // lookup of type metadata per element.
        var answered = [UpdateHub.Ticket]()
        answered.reserveCapacity(items.count)
        for index in items.indices where !items[index].batch.isEmpty { answered.append(items[index].waiter.poll.ticket) }
        hub.release(answered)
        for item in items {
            item.waiter.found(WokenAnswer(item.batch, allocator: allocator, extraHeaders: item.waiter.poll.extraHeaders))
        }
    }
}
