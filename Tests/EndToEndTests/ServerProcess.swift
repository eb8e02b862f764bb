import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `tidings` binary, started on a free port with its own data directory.
final class ServerProcess: Sendable {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["TIDINGS_BIN"] { return URL(fileURLWithPath: path) }
        // Tests/EndToEndTests/ServerProcess.swift → package root → .build/debug/tidings
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tidings")
    }

    let process: Spawned
    let port: Int
    let dataDirectory: URL
    private let stderrLines = LineLog()

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var logLines: [String] { stderrLines.lines }

    /// Starts `tidings serve` and returns once it logged the address it listens on.
    init(arguments: [String] = [], environment: [String: String] = [:], dataDirectory: URL? = nil) async throws {
        let directory = dataDirectory ?? TestDirectory.path("tidings-e2e")
        self.dataDirectory = directory
        let pipe = Pipe()
        let log = stderrLines
        let (stream, continuation) = AsyncStream<String>.makeStream()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                continuation.finish()
                return
            }
            for line in log.append(chunk) { continuation.yield(line) }
        }
        process = try Spawned(
            Self.binary, ["serve", "--port", "0", "--data-dir", directory.path] + arguments,
            environment: childEnvironment(adding: environment), stderr: .pipe(pipe))
        var found: Int?
        for await line in stream {
            if let range = line.range(of: "listening on http://127.0.0.1:") {
                found = Int(line[range.upperBound...].prefix { $0.isNumber })
                break
            }
        }
        guard let found else { throw ServerError.didNotStart(log.lines.joined(separator: "\n")) }
        self.port = found
    }

    enum ServerError: Error { case didNotStart(String) }

    func stop() {
        if process.isRunning {
            process.terminate()
            _ = process.blockUntilExit()
        }
    }

    deinit { stop() }

    /// One HTTP exchange on a real socket.
    func request(_ method: String, _ path: String, key: String?, body: String? = nil) async throws -> (
        status: Int, body: Data
    ) {
        try await TestHTTP.send(method, baseURL + path, key: key, body: body)
    }
}

/// Runs the binary to completion and returns its exit status and standard error. A run that
/// outlasts `timeout` is killed (status 9, signalled), so a hang fails the test instead of CI.
func runTidings(
    _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)
) throws -> (Int32, String) {
    let pipe = Pipe()
    let process = try Spawned(
        ServerProcess.binary, arguments, environment: childEnvironment(adding: environment), stderr: .pipe(pipe))
    let seconds = Double(timeout.components.seconds)
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [process] in process.send(SIGKILL) }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    return (process.blockUntilExit().status, String(decoding: output, as: UTF8.self))
}

/// The server's standard error, split into lines as it arrives.
final class LineLog: Sendable {
    private let state = Mutex((pending: Data(), lines: [String]()))

    var lines: [String] { state.withLock { $0.lines } }

    /// Adds a chunk and returns the lines it completed.
    func append(_ chunk: Data) -> [String] {
        state.withLock { state in
            state.pending.append(chunk)
            var complete = [String]()
            while let newline = state.pending.firstIndex(of: 0x0a) {
                complete.append(String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self))
                state.pending.removeSubrange(state.pending.startIndex...newline)
            }
            state.lines += complete
            return complete
        }
    }
}
