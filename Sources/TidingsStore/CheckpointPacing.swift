/// When a WAL checkpoint starts: once the WAL holds `threshold` frames, at the first moment
/// the writer has committed nothing for `quiet`; at once when the WAL reaches `limit`
/// frames, however busy the writer is; and for a smaller WAL, once the writer has committed
/// nothing for `idle`.
///
/// A checkpoint copies the WAL into the database file and syncs it: CPU and I/O that a burst
/// of commits (a broadcast waking thousands of polls) would otherwise share with the answers
/// it is sending. Waiting for a lull moves that work after the burst; the limit bounds the WAL
/// (and the commits not yet synced to disk) under steady writes.
///
/// The idle checkpoint is for the WAL that a burst or a trickle of writes leaves below the
/// threshold: until it is copied, every read looks each page it touches up in the WAL's
/// index, whose hash chains grow with every commit that rewrote the same feed pages. With
/// 300 creates left there (2,500 frames) a page of 50 took 166 µs of server CPU instead of
/// 157 (BENCHMARKS.md, run AF), for as long as no more writes came. A copied WAL is skipped
/// by readers, and restarted by the next write.
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
    let idle: Duration
    private var lastCommit: ContinuousClock.Instant?
    /// The frames in the WAL after the last commit.
    private var frames = 0
    /// A `check` is due (one at a time).
    private var checkDue = false
    private(set) var running = false

    init(threshold: Int, limit: Int, quiet: Duration, idle: Duration) {
        self.threshold = threshold
        self.limit = max(limit, threshold)
        self.quiet = quiet
        self.idle = max(idle, quiet)
    }

    /// A commit left the WAL holding `frames` frames.
    mutating func committed(frames: Int, at now: ContinuousClock.Instant) -> Decision {
        lastCommit = now
        self.frames = frames
        guard frames > 0, !running else { return .none }
        if frames >= limit { return begin() }
        if checkDue { return .none }
        checkDue = true
        return .checkAfter(lull)
    }

    /// The check that `committed` asked for: starts if the writer has been quiet long enough,
    /// else asks to look again when it will have been.
    mutating func check(at now: ContinuousClock.Instant) -> Decision {
        guard checkDue, !running else { return .none }
        let lull = self.lull
        let quietFor = lastCommit.map { now - $0 } ?? lull
        if quietFor >= lull { return begin() }
        return .checkAfter(lull - quietFor)
    }

    /// How long the writer must be quiet before the WAL it left is copied. A check asked
    /// for by a small WAL comes after `idle`, even if a burst takes the WAL past the
    /// threshold meanwhile (unless it reaches the limit): one check pending at a time.
    private var lull: Duration { frames >= threshold ? quiet : idle }

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
