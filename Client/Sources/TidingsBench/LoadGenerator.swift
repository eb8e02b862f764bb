import NIOCore
import NIOPosix
import TidingsClient

/// What every benchmark runs on: the target server and one or two event loop threads
/// that carry all of its connections.
public final class LoadGenerator: Sendable {
    public let target: BenchTarget
    public let threads: Int
    let group: MultiThreadedEventLoopGroup

    private init(target: BenchTarget, threads: Int) {
        self.target = target
        self.threads = threads
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// Runs `body` with a load generator, then closes its event loops.
    public static func with<T: Sendable>(
        target: BenchTarget, threads: Int, _ body: (LoadGenerator) async throws -> T
    ) async throws -> T {
        let generator = LoadGenerator(target: target, threads: threads)
        do {
            let result = try await body(generator)
            try? await generator.group.shutdownGracefully()
            return result
        } catch {
            try? await generator.group.shutdownGracefully()
            throw error
        }
    }

    /// A new keep-alive connection to the target.
    public func connect() async throws -> BenchConnection {
        try await BenchConnection.connect(to: target, on: group)
    }

    /// `count` new connections, made concurrently.
    public func connect(count: Int) async throws -> [BenchConnection] {
        try await withThrowingTaskGroup(of: BenchConnection.self) { group in
            for _ in 0..<count { group.addTask { try await self.connect() } }
            var connections = [BenchConnection]()
            do {
                for try await connection in group { connections.append(connection) }
            } catch {
                for connection in connections { connection.close() }
                throw error
            }
            return connections
        }
    }

    /// Fails early, with the exit status the CLI gives it, when the server cannot be
    /// reached (`unreachable`) or refuses the key (`server`, e.g. 401): one feed read.
    public func checkAccess(channel: String) async throws {
        _ = try await probe(target.feedPath(user: "bench-access-check", channel: channel, pageSize: 1))
    }

    /// One `GET` of `path` on a connection of its own, before a run: its `2xx` answer, or
    /// `unreachable` when none comes and `server` when it is not `2xx`.
    public func probe(_ path: String) async throws -> BenchResponse {
        let connection = try await connect()
        defer { connection.close() }
        do {
            return try await connection.expectSuccess(BenchRequest(.GET, path, timeout: .seconds(30)))
        } catch let error as TidingsClientError {
            throw error
        } catch {
            throw TidingsClientError.unreachable("no answer from \(target.authority): \(error)")
        }
    }
}
