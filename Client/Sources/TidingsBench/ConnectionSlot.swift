import NIOCore
import NIOHTTP1
import NIOPosix

/// A keep-alive connection that is replaced when the server has closed it. The server may
/// close a keep-alive connection after any answer (without `Connection: close`), and a
/// request written just then fails; as HTTP clients do, such a request is sent once more on
/// a new connection when that is safe: a `GET`, or any request that was never written.
/// Owned by one task at a time.
final class ConnectionSlot {
    private let generator: LoadGenerator
    private var connection: BenchConnection?
    /// Whether the current connection has carried an answer (so a failure may be staleness).
    private var reused = false

    init(generator: LoadGenerator, connection: BenchConnection? = nil) {
        self.generator = generator
        self.connection = connection
    }

    /// Sends `request` and waits for its whole answer, whatever its status.
    func send(_ request: BenchRequest) async throws -> BenchResponse {
        let current = try await acquire()
        do {
            let answer = try await current.send(request)
            reused = true
            return answer
        } catch  where reused && Self.isStale(error, method: request.method) {
            drop()
            let answer = try await acquire().send(request)
            reused = true
            return answer
        } catch {
            drop()
            throw error
        }
    }

    /// Sends `request` and returns its answer when it is `2xx`; throws the server's error otherwise.
    func expectSuccess(_ request: BenchRequest) async throws -> BenchResponse {
        let response = try await send(request)
        guard response.isSuccess else { throw response.error }
        return response
    }

    func close() { drop() }

    private func acquire() async throws -> BenchConnection {
        if let connection, connection.isActive { return connection }
        drop()
        let fresh = try await generator.connect()
        connection = fresh
        return fresh
    }

    private func drop() {
        connection?.close()
        connection = nil
        reused = false
    }

    /// A failure that a closed keep-alive connection explains.
    static func isStale(_ error: any Error, method: HTTPMethod) -> Bool {
        switch error {
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed: return true  // never written
        case BenchTransportError.closed: return method == .GET
        case let io as IOError: return method == .GET && [ECONNRESET, EPIPE].contains(io.errnoCode)
        default: return false
        }
    }
}
