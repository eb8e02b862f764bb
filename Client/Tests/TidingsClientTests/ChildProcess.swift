import Foundation
import Synchronization
import TestSupport

/// A running executable with its stdout and stderr captured; awaitable until it exits.
final class ChildProcess: Sendable {
    /// How a finished run ended.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    enum Failure: Error {
        case timedOut(String)
        case failed(String)
    }

    let process: Spawned
    private let arguments: [String]
    let stdout: OutputCapture
    let stderr: OutputCapture
    private let exit = ExitState()

    /// Starts `executable` with `arguments`; the environment is ours without any
    /// `TIDINGS_*` or `NO_COLOR` variable, plus `environment`. Standard input is the file
    /// `input`, or empty.
    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], input: URL? = nil) throws {
        let out = Pipe()
        let err = Pipe()
        let inputHandle = try input.map { try FileHandle(forReadingFrom: $0) }
        let process = try Spawned(
            executable, arguments, environment: childEnvironment(adding: environment, removing: ["NO_COLOR"]),
            stdin: inputHandle.map { .handle($0) } ?? .null, stdout: .pipe(out), stderr: .pipe(err))
        try inputHandle?.close()
        self.process = process
        self.arguments = arguments
        stdout = OutputCapture(out)
        stderr = OutputCapture(err)
        let (exit, stdout, stderr) = (self.exit, self.stdout, self.stderr)
        Thread {
            let status = process.blockUntilExit().status
            stdout.writerExited()
            stderr.writerExited()
            exit.record(status)
        }.start()
    }

    /// Waits for the process to exit and its output to be read; kills it after `timeout`.
    func result(timeout: Duration = .seconds(60)) async throws -> Result {
        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { await self.exitStatus() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            if first == nil { process.terminate() }
            group.cancelAll()
            return first
        }
        await stdout.finished()
        await stderr.finished()
        guard let status else {
            throw Failure.timedOut("\(arguments) after \(timeout); stderr: \(stderr.text)")
        }
        return Result(status: status, stdout: stdout.text, stderr: stderr.text)
    }

    /// The exit status, once the process has exited.
    func exitStatus() async -> Int32 { await exit.status() }

    /// Sends `signal` (SIGINT for Ctrl-C, SIGTERM, SIGKILL).
    func send(_ signal: Int32) { process.send(signal) }

    deinit { process.terminate() }
}

/// A process's exit status, for any number of waiters.
private final class ExitState: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    func record(_ status: Int32) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func status() async -> Int32 {
        await withCheckedContinuation { waiter in
            let status = state.withLock { state in
                if state.status == nil { state.waiters.append(waiter) }
                return state.status
            }
            if let status { waiter.resume(returning: status) }
        }
    }
}
