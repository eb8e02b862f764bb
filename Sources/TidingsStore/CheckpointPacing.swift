/// When a WAL checkpoint starts: once the WAL holds `threshold` frames, at the first moment
/// the writer has committed nothing for `quiet`, or at once when the WAL reaches `limit`
/// frames, however busy the writer is.
///
/// A checkpoint copies the WAL into the database file and syncs it: CPU and I/O that a burst
/// of commits (a broadcast waking thousands of polls) would otherwise share with the answers
/// it is sending. Waiting for a lull moves that work after the burst; the limit bounds the WAL
/// (and the commits not yet synced to disk) under steady writes.
///
/// A value type with the clock passed in, so every decision can be tested without waiting.
struct CheckpointPacing {
    enum Decision: Equatable {
        /// Nothing to do (below the threshold, a checkpoint running, or a check already due).
        case none
        /// Start a checkpoint now.
        case start
        /// Look again (`check`) after this long.
        case checkAfter(Duration)
    }

    let threshold: Int
    let limit: Int
    let quiet: Duration
    private var lastCommit: ContinuousClock.Instant?
    /// A `check` is due (one at a time).
    private var checkDue = false
    private(set) var running = false

    init(threshold: Int, limit: Int, quiet: Duration) {
        self.threshold = threshold
        self.limit = max(limit, threshold)
        self.quiet = quiet
    }

    /// A commit left the WAL holding `frames` frames.
    mutating func committed(frames: Int, at now: ContinuousClock.Instant) -> Decision {
        lastCommit = now
        guard frames >= threshold, !running else { return .none }
        if frames >= limit { return begin() }
        if checkDue { return .none }
        checkDue = true
        return .checkAfter(quiet)
    }

    /// The check that `committed` asked for: starts if the writer has been quiet long enough,
    /// else asks to look again when it will have been.
    mutating func check(at now: ContinuousClock.Instant) -> Decision {
        guard checkDue, !running else { return .none }
        let idle = lastCommit.map { now - $0 } ?? quiet
        if idle >= quiet { return begin() }
        return .checkAfter(quiet - idle)
    }

    /// The checkpoint that started has finished (or failed; a later commit tries again).
    mutating func finished() {
        running = false
    }

    private mutating func begin() -> Decision {
        running = true
        checkDue = false
        return .start
    }
}
