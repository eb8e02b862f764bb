import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database file mostly beside the writer instead of inside it.
///
/// SQLite's automatic checkpoint runs in the commit that takes the WAL past 1,000 frames:
/// that commit, and every write queued behind it, waits while pages are copied and the
/// database file is synced (29 % of the writer's time late in a big ingest, BENCHMARKS.md).
/// Here a WAL hook on each connection replaces the automatic checkpoint. Once the WAL holds
/// `threshold` frames (`AppDatabase.checkpointFrames` unless told), a checkpoint starts when
/// the writer has been quiet for a moment, or at once past `limit` frames; a smaller WAL is
/// copied once the writer has been idle for longer (`CheckpointPacing`). It runs in two steps:
///
/// 1. On another thread, a connection of the checkpointer's own runs a passive checkpoint:
///    it copies what no reader still needs and never blocks the writer or readers.
/// 2. Then, in the writer's queue between two transactions, a second passive checkpoint
///    copies the few frames committed meanwhile. Only a checkpoint that copies the whole
///    WAL while no write is under way lets SQLite restart the WAL from its beginning, so
///    this step keeps the WAL file from growing without end under steady writes.
///
/// In WAL mode GRDB sets `synchronous=NORMAL`: a commit returns once its frames are written
/// to the WAL file (it survives `kill -9`, STACK-NOTES §2), and the WAL is synced to disk by
/// the checkpoints, not by each commit. What a power loss can take is what was committed
/// since the last checkpoint: now up to `limit` frames, where it was `threshold`.
final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let state: Mutex<State>
    /// Told how long each checkpoint took (both steps).
    private let report: @Sendable (Duration) -> Void

    private struct State {
        /// Weak: the pool's connections hold the checkpointer (their WAL hook's context, kept
        /// alive by `prepareDatabase`), so a strong reference here would keep a database that
        /// is never closed, and its files, open for good.
        weak var writer: DatabasePool?
        var pacing: CheckpointPacing
        var closed = false
    }

    init(
        path: String, threshold: Int, limit: Int, quiet: Duration, idle: Duration,
        report: @escaping @Sendable (Duration) -> Void
    ) throws {
        self.report = report
        state = Mutex(
            State(pacing: CheckpointPacing(threshold: threshold, limit: limit, quiet: quiet, idle: idle)))
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Installs the hook on a connection (in `prepareDatabase`, so on every one; only the
    /// writer's commits call it).
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, frames in
                guard let context else { return SQLITE_OK }
                Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().walHolds(Int(frames))
                return SQLITE_OK
            }, context)
    }

    /// Starts checkpointing the pool's database (step 2 runs in its writer's queue).
    func attach(_ pool: DatabasePool) {
        state.withLock { $0.writer = pool }
    }

    /// Called after each commit with the frames the WAL now holds.
    func walHolds(_ frames: Int) {
        let now = ContinuousClock.now
        act { $0.committed(frames: frames, at: now) }
    }

    /// Asks the pacing what to do, under the lock, and does it.
    private func act(_ decide: (inout CheckpointPacing) -> CheckpointPacing.Decision) {
        let (decision, writer) = state.withLock { state -> (CheckpointPacing.Decision, DatabasePool?) in
            guard !state.closed, let writer = state.writer else { return (.none, nil) }
            return (decide(&state.pacing), writer)
        }
        guard let writer else { return }
        switch decision {
        case .none:
            break
        case .start:
            DispatchQueue.global(qos: .utility).async { self.run(finishingOn: writer) }
        case .checkAfter(let wait):
            let (seconds, attoseconds) = wait.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                self.act { $0.check(at: .now) }
            }
        }
    }

    private func run(finishingOn writer: DatabasePool) {
        let start = ContinuousClock.now
        _ = try? connection.writeWithoutTransaction { db in
            guard !state.withLock({ $0.closed }) else { return }
            // Until it reads the database, a connection does not know it is in WAL mode (and
            // a checkpoint does nothing).
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            try db.checkpoint(.passive)
        }
        writer.asyncWriteWithoutTransaction { db in
            // The writer's queue runs this before a close that comes later; one that came
            // first has set `closed`, and the connection must not be touched any more.
            guard !self.state.withLock({ $0.closed }) else { return }
            let copied = try? db.checkpoint(.passive).checkpointedFrameCount
            self.state.withLock { $0.pacing.finished() }
            // A failed checkpoint (the database closing) is tried again after a later commit.
            if let copied, copied >= 0 { self.report(ContinuousClock.now - start) }
        }
    }

    /// Stops checkpointing and closes the checkpointer's connection (the database's final
    /// checkpoint happens on the writer's connection).
    func close() throws {
        state.withLock {
            $0.closed = true
            $0.writer = nil
        }
        try connection.close()
    }
}
