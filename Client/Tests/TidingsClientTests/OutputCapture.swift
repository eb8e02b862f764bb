import Foundation
import Synchronization

/// Collects what a child process writes to one pipe, and hands out its lines as they arrive.
///
/// A thread of its own reads the pipe. It stops at end of file, or once the process has
/// exited and the pipe is drained: Foundation's `readabilityHandler` on Linux sometimes never
/// reports end of file, and a sibling process that inherited the pipe could hold it open.
final class OutputCapture: Sendable {
    private struct State {
        var all = Data()
        var pending = Data()
        var writerExited = false
        var finished = false
        var finishWaiters = [CheckedContinuation<Void, Never>]()
    }

    private let state = Mutex(State())
    /// Each complete line, as soon as it is written; finishes when the output ends.
    let lines: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let pipe: Pipe

    init(_ pipe: Pipe) {
        self.pipe = pipe
        (lines, continuation) = AsyncStream<String>.makeStream()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        Thread.detachNewThread { [self] in pump(descriptor) }
    }

    /// Everything written so far.
    var text: String { state.withLock { String(decoding: $0.all, as: UTF8.self) } }

    /// Tells the reader the process has exited, so what is left in the pipe is all there is.
    func writerExited() { state.withLock { $0.writerExited = true } }

    /// Returns once all the output has been read.
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

    private func pump(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&request, 1, 50)  // wakes on data, or checks for an exited writer every 50 ms
            let exited = state.withLock { $0.writerExited }
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                for line in append(Data(buffer[0..<count])) { continuation.yield(line) }
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) || exited {
                break
            }
        }
        finish()
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
