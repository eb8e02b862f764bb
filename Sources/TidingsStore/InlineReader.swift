import GRDB
import Synchronization

/// A read-only connection of its own that runs a snapshot read on the calling thread when
/// it is free, instead of GRDB's asynchronous read.
///
/// `DatabasePool`'s asynchronous read hands the caller's task to the pool's waiting queue,
/// back to the task, to the reader's queue and back again: four thread hand-overs, which
/// cost more than the read of a small page itself (a page of 1 took 100 µs of server CPU
/// with them and 60–73 µs without; BENCHMARKS.md, run AF). Here a read is tried on this
/// connection first: when another read holds it, the caller goes the pool's way, so a read
/// never waits for this connection, and at most one of the cooperative pool's threads is
/// ever inside a read (whatever its length), leaving the others to every other task.
final class InlineReader: Sendable {
    static let label = "inline reader"
    private let connection: DatabaseQueue
    private let busy = Atomic<Bool>(false)

    /// Opens the connection read-only on an existing database, with `configuration`'s
    /// connection setup (`prepareDatabase`).
    init(path: String, configuration: Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = Self.label
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs `body` in a read transaction on this thread, or returns `nil` at once if the
    /// connection is in use.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return nil }
        defer { busy.store(false, ordering: .releasing) }
        return try connection.read(body)
    }

    func close() throws {
        try connection.close()
    }
}
