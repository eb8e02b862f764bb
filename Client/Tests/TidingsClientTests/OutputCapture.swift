import Foundation
import Synchronization

/// Collects what a child process writes to one pipe, and hands out its lines as they arrive.
final class OutputCapture: Sendable {
    private struct State {
        var all = Data()
        var pending = Data()
        var finished = false
        var finishWaiters = [CheckedContinuation<Void, Never>]()
    }

    private let state = Mutex(State())
    /// Each complete line, as soon as it is written; finishes at end of file.
    let lines: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init(_ pipe: Pipe) {
        (lines, continuation) = AsyncStream<String>.makeStream()
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                finish()
            } else {
                for line in append(chunk) { continuation.yield(line) }
            }
        }
    }

    /// Everything written so far.
    var text: String { state.withLock { String(decoding: $0.all, as: UTF8.self) } }

    /// Returns once the writer closed the pipe.
    func finished() async {
        await withCheckedContinuation { waiter in
            let done = state.withLock { state in
                if state.finished { return true }
                state.finishWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }

    private func append(_ chunk: Data) -> [String] {
        state.withLock { state in
            state.all.append(chunk)
            state.pending.append(chunk)
            var complete = [String]()
            while let newline = state.pending.firstIndex(of: 0x0a) {
                complete.append(String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self))
                state.pending.removeSubrange(state.pending.startIndex...newline)
            }
            return complete
        }
    }

    private func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.finishWaiters = [] }
            return state.finishWaiters
        }
        continuation.finish()
        for waiter in waiters { waiter.resume() }
    }
}
