import HTTPTypes

extension PollLaneHandler {
    /// Where a connection on the poll lane is in its requests.
    enum State {
        /// Between requests.
        case idle
        /// A poll's head arrived; waiting for its end.
        case reading(HTTPRequest)
        /// The router or a re-read is working on the poll.
        case running
        /// Waiting on the hub, with no task (or re-reading the stream after a wake-up).
        case parked(ParkedPoll)
        /// Given to Hummingbird; this handler only passes parts on.
        case handedOff
        case closed

        var isClosed: Bool {
            if case .closed = self { true } else { false }
        }
    }
}
