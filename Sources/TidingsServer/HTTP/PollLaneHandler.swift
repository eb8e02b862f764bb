import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import TidingsCore

/// Serves long polls on a connection without Hummingbird's per-connection task, so a
/// waiting poll costs a hub slot and this handler, not a suspended task (STACK-NOTES §3:
/// a Hummingbird keep-alive connection alone holds about 24 KiB).
///
/// Each request goes through the same router as every other (auth, validation, errors,
/// metrics). A poll that has to wait parks its ticket here. When a commit wakes it, the
/// stream is re-read straight from the hub's signal and the answer, rendered next to the
/// read, is written as one buffer past the HTTP encoders (`WireAnswer`): a commit that
/// wakes thousands of polls costs one write each and little else. The first request that
/// is not a poll hands the connection to Hummingbird for good: the handler completes the
/// connection's setup with the framework's own async channel, replays what it buffered and
/// leaves the pipeline.
final class PollLaneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let lane: PollLane
    private let deadline: RequestDeadlineHandler
    let handoff: @Sendable (Channel) throws -> HTTP1Channel.Value
    let promise: EventLoopPromise<HTTP1Channel.Value>
    var state = State.idle
    /// Parts that arrived while a poll was in progress (pipelining), answered after it.
    var pending: [HTTPRequestPart] = []
    var closeAfterResponse = false
    /// The client half-closed: the connection ends once what it asked for is answered.
    var inputEnded = false
    /// Bytes after the requests in progress broke HTTP framing: they are answered first, then
    /// a `400`, and the connection closes.
    var parseError: (any Error)?
    var setupCompleted = false
    /// This handler's context while it is in the pipeline, and the HTTP encoder's, where
    /// writing puts bytes on the socket as they are.
    private var context: ChannelHandlerContext?
    private var socket: ChannelHandlerContext?
    /// Where commits queue this connection's answers (its event loop's).
    private var pushed: PushedAnswers?
    /// Runs the routing of this connection's polls on its event loop.
    private var executor: EventLoopExecutor?
    /// Parts buffered behind a poll past which it stops waiting (answered as it is, then what
    /// follows is served), and past which, still arriving while it is routed, the connection
    /// is dropped.
    private static let maxPending = 64
    private static let maxPendingWhileRouted = 4096

    init(
        lane: PollLane, deadline: RequestDeadlineHandler, promise: EventLoopPromise<HTTP1Channel.Value>,
        handoff: @escaping @Sendable (Channel) throws -> HTTP1Channel.Value
    ) {
        self.lane = lane
        self.deadline = deadline
        self.promise = promise
        self.handoff = handoff
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        socket = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        pushed = lane.pushed.value(for: context.eventLoop)
        executor = lane.executors.value(for: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        socket = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .handedOff:
            context.fireChannelRead(data)
        case .closed:
            break
        case .idle where pending.isEmpty, .reading:
            process(part, context: context)
        case .idle, .running, .parked:
            pending.append(part)
            guard pending.count > Self.maxPending else { return }
            if case .parked(let poll) = state {
                answerAsIs(poll, channel: context.channel)  // a client that goes on sending is not waiting
            } else if pending.count > Self.maxPendingWhileRouted {
                context.close(promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch (state, event) {
        case (.handedOff, _):
            context.fireUserInboundEventTriggered(event)
        case (.running, ChannelEvent.inputClosed):
            // A half-close: what was asked is answered (a poll that would wait, at once, in
            // `park`), then the connection closes.
            inputEnded = true
        case (.parked(let poll), ChannelEvent.inputClosed):
            // The client went away or sends nothing more: the wait ends now, slot freed.
            inputEnded = true
            answerAsIs(poll, channel: context.channel)
        case (_, ChannelEvent.inputClosed):
            context.close(promise: nil)
        case (.idle, is ChannelShouldQuiesceEvent):
            context.close(promise: nil)
        case (_, is ChannelShouldQuiesceEvent):
            // The shutdown answers a waiting poll through the hub; close after that answer.
            closeAfterResponse = true
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: requests

    private func process(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            if head.method == .get, PollLane.isPollPath(head.path) {
                state = .reading(head)
            } else {
                handOff(startingWith: [part], context: context)
            }
        case (.reading, .body):
            break  // a GET's body means nothing to a poll
        case (.reading(let head), .end):
            state = .running
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            route(head, context: context)
        default:
            context.close(promise: nil)
        }
    }

    /// Runs the poll through the router in a short task on this loop; it either answers or parks.
    private func route(_ head: HTTPRequest, context: ChannelHandlerContext) {
        let lane = self.lane
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        Task(executorPreference: executor ?? lane.executors.value(for: context.eventLoop)) {
            [lane, channel, handler] in await lane.route(head, channel: channel, handler: handler)
        }
    }

    func park(_ poll: ParkedPoll, channel: Channel) {
        guard case .running = state else {
            lane.hub.release(poll.ticket)  // the client left while the poll was routed
            return
        }
        guard !inputEnded, parseError == nil, pending.count <= Self.maxPending else {
            answerAsIs(poll, channel: channel)  // half-closed, bad bytes or much more behind: no waiting
            return
        }
        state = .parked(poll)
        wait(poll, channel: channel)
    }

    /// Attaches the parked poll to the hub (see `ParkedWaiter`); it stays parked while
    /// the answer to a wake-up is found.
    private func wait(_ poll: ParkedPoll, channel: Channel) {
        ParkedWaiter(
            poll, answers: pushed ?? lane.pushed.value(for: channel.eventLoop), rereads: lane.rereads, handler: self,
            channel: channel
        ).attach(to: lane.hub)
    }

    /// How a parked poll's wait ended, when not by a wake-up (see `ParkedWaiter`).
    func signalled(_ outcome: UpdateHub.Outcome, channel: Channel) {
        guard case .parked(let poll) = state else { return }
        switch outcome {
        case .woken:
            break  // answered through `found`, see `ParkedWaiter`
        case .timedOut, .shutdown:
            answerAsIs(poll, channel: channel)
        case .cancelled:
            lane.hub.release(poll.ticket)
            state = .closed
            channel.close(promise: nil)
        }
    }

    /// Ends a wait without events: the slot is freed and the poll answered with its last read
    /// (nothing new, the same cursor), as on a timeout.
    func answerAsIs(_ poll: ParkedPoll, channel: Channel) {
        lane.hub.release(poll.ticket)
        state = .running
        answer(WireAnswer(poll.lastRead, allocator: channel.allocator, extraHeaders: poll.extraHeaders), channel: channel)
    }

    /// After a wake-up (a re-read, or what the waking commit pushed): events answer the
    /// poll, none parks it again (the ticket stayed registered, so nothing committed
    /// meanwhile is missed).
    func found(_ found: WokenAnswer, channel: Channel) {
        guard case .parked(let poll) = state else { return }  // the client went away
        switch found {
        case .nothing(let batch):
            let poll = poll.reread(batch)
            state = .parked(poll)
            wait(poll, channel: channel)
        case .events(let answer):
            state = .running  // the slot is released (see `WokenAnswer.events`)
            self.answer(answer, channel: channel)
        case .failed(let error):
            lane.hub.release(poll.ticket)
            state = .running
            let (head, body) = ResponseParts.error(error)
            answer(head, body: body, channel: channel)
        }
    }

    /// Writes a `200` answer as rendered, past the encoders; through them when the
    /// connection closes after it.
    func answer(_ answer: WireAnswer, channel: Channel) {
        guard case .running = state, let context else { return }
        guard !closeAfterResponse, !(inputEnded && pending.isEmpty), let socket else {
            write(answer.head, body: answer.body, context: context)
            return
        }
        socket.writeAndFlush(NIOAny(answer.bytes), promise: nil)
        deadline.responseEnded()
        responseWritten(context: context)
    }

    func answer(_ head: HTTPResponse, body: ByteBuffer, channel: Channel) {
        guard case .running = state, let context else { return }
        write(head, body: body, context: context)
    }

    /// Writes a whole response, then serves what was pipelined behind it or waits for the
    /// next request.
    func write(_ head: HTTPResponse, body: ByteBuffer, context: ChannelHandlerContext) {
        if inputEnded, pending.isEmpty { closeAfterResponse = true }
        let head = ResponseParts.framed(head, bodyLength: body.readableBytes, closing: closeAfterResponse)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        if closeAfterResponse {
            state = .closed
            // Half-closed first: a client still sending (bytes this lane will not serve) reads
            // this answer before any reset; its input is dropped until it closes (`.closed`).
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        responseWritten(context: context)
    }

    /// The connection is free for its next request: serves what was pipelined behind.
    private func responseWritten(context: ChannelHandlerContext) {
        state = .idle
        // A request's parts go through `.idle` and `.reading` until its end starts it.
        loop: while !pending.isEmpty {
            switch state {
            case .idle, .reading: process(pending.removeFirst(), context: context)
            default: break loop
            }
        }
        guard case .idle = state else { return }
        if parseError != nil {
            closeAfterResponse = true
            write(HTTPResponse(status: .badRequest), body: ByteBuffer(), context: context)
        } else if inputEnded {
            state = .closed
            context.close(promise: nil)
        }
    }
}
