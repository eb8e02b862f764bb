import NIOCore
import Synchronization
import TidingsAPI

/// Counts poll answers as they come in (on the event loops), keeping the first one's
/// description: how a benchmark notices polls answered before it published anything.
final class PollAnswers: Sendable {
    private let state = Mutex<(count: Int, first: String?)>((0, nil))

    var count: Int { state.withLock { $0.count } }
    var first: String? { state.withLock { $0.first } }

    /// Counts the answer of `future` when it comes.
    func watch(_ future: EventLoopFuture<BenchResponse>) {
        future.whenComplete { result in
            let description: String
            switch result {
            case .success(let answer): description = "HTTP \(answer.status): \(answer.bodyExcerpt)"
            case .failure(let error): description = "\(error)"
            }
            self.state.withLock { state in
                state.count += 1
                if state.first == nil { state.first = description }
            }
        }
    }

    /// Whether an updates answer carries at least one event.
    static func hasEvents(_ answer: BenchResponse) -> Bool {
        ((try? answer.decode(EventsOnly.self))?.events.count ?? 0) > 0
    }

    /// The cursor an updates answer returns.
    static func cursor(of answer: BenchResponse) throws -> String {
        try answer.decode(UpdatesResponse.self).cursor
    }

    private struct EventsOnly: Decodable {
        struct Skipped: Decodable {
            init(from decoder: any Decoder) throws {}
        }
        var events: [Skipped]
    }
}

/// Values set by index from several tasks (the users' cursors).
final class IndexedValues<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>

    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Value) { values.withLock { $0[index] = value } }
    var all: [Value?] { values.withLock { $0 } }
}
