import NIOCore

/// The request deadlines of one event loop's connections (`RequestDeadlineHandler`), in
/// buckets one second wide, with one scheduled wake-up per bucket instead of one per
/// connection.
///
/// With one wake-up per connection, the loop's timer heap held one task per connection:
/// each sifted through the ten-thousand-deep heap on the way in and out, and the wake-ups
/// of connections long closed still came due, each popped on the loop. A fan-out round that
/// met the deadlines of the previous round's ten thousand polls spent about 20 ms of
/// event-loop time on them (`Benchmarks/fanout_rounds.py --perf … --fp`). Here a closed
/// connection leaves its bucket at once, and a bucket costs one scheduled task.
///
/// Used only on its event loop.
final class DeadlineWheel {
    /// A connection is closed within this long after its deadline passes.
    static let bucketWidth: UInt64 = 1_000_000_000

    private let eventLoop: any EventLoop
    /// The handlers due by each bucket's end, by bucket.
    private var buckets: [Int64: [ObjectIdentifier: RequestDeadlineHandler]] = [:]

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The bucket that ends at or after `deadline`.
    static func bucket(of deadline: NIODeadline) -> Int64 {
        let nanoseconds = min(deadline.uptimeNanoseconds, UInt64(Int64.max) - bucketWidth)
        return Int64((nanoseconds + bucketWidth - 1) / bucketWidth)
    }

    /// Puts `handler` in the bucket of `deadline`, which it returns; the handler is told
    /// (`bucketReached`) when that bucket ends, unless it left it first.
    func add(_ handler: RequestDeadlineHandler, dueBy deadline: NIODeadline) -> Int64 {
        let bucket = Self.bucket(of: deadline)
        if let index = buckets.index(forKey: bucket) {
            buckets.values[index][ObjectIdentifier(handler)] = handler
            return bucket
        }
        buckets[bucket] = [ObjectIdentifier(handler): handler]
        let end = NIODeadline.uptimeNanoseconds(UInt64(bucket) * Self.bucketWidth)
        eventLoop.assumeIsolated().scheduleTask(deadline: end) { self.reached(bucket) }
        return bucket
    }

    /// Takes `handler` out of `bucket` (a connection that closed, or whose deadline came
    /// nearer).
    func remove(_ handler: RequestDeadlineHandler, from bucket: Int64) {
        guard let index = buckets.index(forKey: bucket) else { return }
        buckets.values[index].removeValue(forKey: ObjectIdentifier(handler))
    }

    /// How many handlers wait in the wheel.
    var count: Int { buckets.values.reduce(0) { $0 + $1.count } }

    /// The bucket's wake-up. An emptied bucket stays until then: it costs its task anyway.
    private func reached(_ bucket: Int64) {
        guard let handlers = buckets.removeValue(forKey: bucket) else { return }
        for handler in handlers.values { handler.bucketReached() }
    }
}
