import NIOCore
import TidingsCore
import TidingsStore

/// A parked poll as the hub and the lane's queues hold it: what a wake-up needs to find the
/// poll's answer and bring it back to the poll's connection. One object per park, where
/// three closures (the hub's callback and two ways back to the connection) were allocated on
/// the event loop and then, for the most part, freed by the waking thread.
final class ParkedWaiter: Sendable {
    let poll: ParkedPoll
    /// Where answers pushed by a commit queue for the poll's event loop.
    let answers: PushedAnswers
    private let rereads: StreamRereads
    private let handler: NIOLoopBound<PollLaneHandler>
    private let channel: any Channel

    init(
        _ poll: ParkedPoll, answers: PushedAnswers, rereads: StreamRereads, handler: PollLaneHandler,
        channel: any Channel
    ) {
        self.poll = poll
        self.answers = answers
        self.rereads = rereads
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.channel = channel
    }

    /// Attaches to the hub. A wake-up that carries the waking commit's created entries is
    /// answered from them, queued with the other answers for the same event loop; any other
    /// wake-up starts a re-read, from the signalling thread. What either finds reaches
    /// `found`, other outcomes the handler's `signalled`, both on the poll's event loop.
    func attach(to hub: UpdateHub) {
        // A closure that captures one object needs no context of its own.
        hub.wait(poll.ticket) { [self] outcome, push in woken(outcome, push: push) }
    }

    /// On the signalling thread.
    private func woken(_ outcome: UpdateHub.Outcome, push: (any Sendable)?) {
        guard outcome == .woken else {
            answers.eventLoop.execute { self.handler.value.signalled(outcome, channel: self.channel) }
            return
        }
        if let created = push as? CreatedUpdates, let batch = created.answer(since: poll.since, limit: poll.limit) {
            answers.push(batch, of: self, in: created.round)
            return
        }
        rereads.enqueue(self)
    }

    /// What a wake-up found for the poll, on its event loop.
    func found(_ answer: WokenAnswer) {
        handler.value.found(answer, channel: channel)
    }
}
