import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Read-only connections of their own that run a short snapshot read on the calling thread,
/// instead of GRDB's asynchronous read.
///
/// `DatabasePool`'s asynchronous read hands the caller's task to the pool's waiting queue,
/// back to the task, to the reader's queue and back again: four thread hand-overs, which
/// cost more than the read of a small page itself (a page of 1 took 100 µs of server CPU
/// with them and 60–73 µs without; BENCHMARKS.md, run AG). Here a read is tried on a free
/// connection first, one per processor so that each thread serving requests (the server's
/// event loops) can read at once; when all are in use, the caller goes the pool's way, so a
/// read never waits for one of them.
///
/// A read here holds the caller's thread while it runs: for a request, its connection's
/// event loop, whose other connections wait meanwhile. Reads that count rows (a page
/// filtered by source or tenant) go to the pool from the start (`snapshotRead(inline:)`),
/// but others can be long too: a default page of a big feed whose newest thousands of
/// messages are archived walks past all of them. So a read that runs past `budget` is
/// interrupted (SQLite's progress handler) and the caller reads again on the pool's
/// readers, off the caller's thread: a body must be safe to run twice, and a long read
/// costs up to `budget` more CPU than it would have.
final class InlineReader: Sendable {
    static let label = "inline reader"
    /// How long a read may run here before it is interrupted and run again on the pool.
    static let budget = Duration.milliseconds(2)
    private static let budgetNanoseconds: UInt64 = {
        let (seconds, attoseconds) = budget.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }()
    private let connections: [Connection]

    /// One connection, whether a read holds it, and when that read must stop.
    private final class Connection: Sendable {
        let queue: DatabaseQueue
        let busy = Atomic<Bool>(false)
        /// `DispatchTime` uptime in nanoseconds past which the running read is interrupted.
        let deadline = Atomic<UInt64>(.max)

        init(queue: DatabaseQueue) {
            self.queue = queue
        }
    }

    /// Opens `count` connections read-only on an existing database, with `configuration`'s
    /// connection setup (`prepareDatabase`).
    init(path: String, configuration: Configuration, count: Int) throws {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = Self.label
        connections = try (0..<max(1, count)).map { _ in
            Connection(queue: try DatabaseQueue(path: path, configuration: configuration))
        }
        for connection in connections {
            let context = Unmanaged.passUnretained(connection).toOpaque()
            connection.queue.inDatabase { db in
                // Called every 1,000 virtual-machine steps: a few µs apart.
                sqlite3_progress_handler(
                    db.sqliteConnection, 1000,
                    { context in
                        guard let context else { return 0 }
                        let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
                        let deadline = connection.deadline.load(ordering: .relaxed)
                        return DispatchTime.now().uptimeNanoseconds > deadline ? 1 : 0
                    }, context)
            }
        }
    }

    /// Runs `body` in a read transaction on this thread, or returns `nil` at once if every
    /// connection is in use, or after `budget` if the read is still running then.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        for connection in connections
        where connection.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            defer {
                connection.deadline.store(.max, ordering: .relaxed)
                connection.busy.store(false, ordering: .releasing)
            }
            connection.deadline.store(DispatchTime.now().uptimeNanoseconds + Self.budgetNanoseconds, ordering: .relaxed)
            do {
                return try connection.queue.read(body)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
                return nil
            }
        }
        return nil
    }

    /// How many connections there are: how many reads can run here at once.
    var count: Int { connections.count }

    func close() throws {
        for connection in connections { try connection.queue.close() }
    }
}
