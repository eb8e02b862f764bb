import Dispatch
import Foundation

/// Turns Ctrl-C (`SIGINT`) and `SIGTERM` into cancelling a task, so a waiting long poll
/// ends at once and the command exits with status 0. Should the task not finish within a
/// second, the process exits anyway.
final class Interrupts {
    private let sources: [any DispatchSourceSignal]

    init(cancelling task: Task<Void, any Error>) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                task.cancel()
                DispatchQueue.global().asyncAfter(deadline: .now() + 1) { Foundation.exit(0) }
            }
            source.resume()
            return source
        }
    }

    /// Restores the default handling of the signals.
    func stop() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
