import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization
import TidingsCore
import TidingsStore

/// Serves long polls on a connection without Hummingbird's per-connection task, so a
/// waiting poll costs a hub slot and this handler, not a suspended task (STACK-NOTES §3:
/// a Hummingbird keep-alive connection alone holds about 24 KiB).
///
/// Each request goes through the same router as every other (auth, validation, errors,
/// metrics). A poll that has to wait parks its ticket here; the hub's signal then answers
/// it from the event loop. The first request that is not a poll hands the connection to
/// Hummingbird for good: the handler completes the connection's setup with the framework's
/// own async channel, replays what it buffered and leaves the pipeline.
final class PollLaneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// A poll's head arrived; waiting for its end.
        case reading(HTTPRequest)
        /// The router or a re-read is working on the poll.
        case running
        /// Waiting on the hub, with no task.
        case parked(ParkedPoll)
        /// Given to Hummingbird; this handler only passes parts on.
        case handedOff
        case closed
    }

    private let lane: PollLane
    private let handoff: @Sendable (Channel) throws -> HTTP1Channel.Value
    private let promise: EventLoopPromise<HTTP1Channel.Value>
    private var state = State.idle
    /// Parts that arrived while a poll was in progress (pipelining), answered after it.
    private var pending: [HTTPRequestPart] = []
    private var closeAfterResponse = false
    private var idleTimer: Scheduled<Void>?
    private var setupCompleted = false
    /// Most parts buffered behind a poll before the connection is dropped.
    private static let maxPending = 64

    init(
        lane: PollLane, promise: EventLoopPromise<HTTP1Channel.Value>,
        handoff: @escaping @Sendable (Channel) throws -> HTTP1Channel.Value
    ) {
        self.lane = lane
        self.promise = promise
        self.handoff = handoff
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armIdleTimer(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armIdleTimer(context)
        context.fireChannelActive()
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
            if pending.count > Self.maxPending { context.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch (state, event) {
        case (.handedOff, _):
            context.fireUserInboundEventTriggered(event)
        case (_, ChannelEvent.inputClosed):
            // The client went away (or will send nothing more): a waiting poll is dropped now.
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

    func channelInactive(context: ChannelHandlerContext) {
        disarmIdleTimer()
        switch state {
        case .handedOff:
            context.fireChannelInactive()
            return
        case .parked(let poll):
            lane.hub.release(poll.ticket)
        default:
            break
        }
        state = .closed
        if !setupCompleted {
            setupCompleted = true
            promise.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard case .handedOff = state else {
            // A malformed request: answer 400 and close, as Hummingbird does.
            if error is HTTPParserError, case .idle = state {
                closeAfterResponse = true
                write(HTTPResponse(status: .badRequest), body: ByteBuffer(), context: context)
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.fireErrorCaught(error)
    }

    // MARK: requests

    private func process(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            if head.method == .get, PollLane.isPollPath(head.path) {
                disarmIdleTimer()
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

    /// Runs the poll through the router in a short task; it either answers or parks.
    private func route(_ head: HTTPRequest, context: ChannelHandlerContext) {
        let lane = self.lane
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        Task { [lane, channel, handler] in await lane.route(head, channel: channel, handler: handler) }
    }


    func park(_ poll: ParkedPoll, channel: Channel) {
        guard case .running = state else {
            lane.hub.release(poll.ticket)  // the client left while the poll was routed
            return
        }
        state = .parked(poll)
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        lane.hub.wait(poll.ticket) { outcome in
            channel.eventLoop.execute { handler.value.signalled(outcome, channel: channel) }
        }
    }

    private func signalled(_ outcome: UpdateHub.Outcome, channel: Channel) {
        guard case .parked(let poll) = state else { return }
        switch outcome {
        case .woken:
            state = .running
            reread(poll, channel: channel)
        case .timedOut, .shutdown:
            lane.hub.release(poll.ticket)
            state = .running
            answer(poll.lastRead, channel: channel)
        case .cancelled:
            lane.hub.release(poll.ticket)
            state = .closed
            channel.close(promise: nil)
        }
    }

    /// Reads the stream again after a wake-up: events answer the poll, none parks it again
    /// (the ticket stayed registered, so nothing committed meanwhile is missed).
    private func reread(_ poll: ParkedPoll, channel: Channel) {
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        let request = AppDatabase.UpdatesRequest(feed: poll.ticket.feed, since: poll.since, limit: poll.limit)
        lane.rereads.enqueue(request) { result in
            channel.eventLoop.execute { handler.value.reread(poll, result: result, channel: channel) }
        }
    }

    private func reread(_ poll: ParkedPoll, result: Result<UpdatesBatch, TidingsError>, channel: Channel) {
        switch result {
        case .success(let batch) where batch.isEmpty:
            park(ParkedPoll(ticket: poll.ticket, since: poll.since, limit: poll.limit, lastRead: batch), channel: channel)
        case .success(let batch):
            lane.hub.release(poll.ticket)
            answer(batch, channel: channel)
        case .failure(let error):
            lane.hub.release(poll.ticket)
            let (head, body) = ResponseParts.error(error)
            answer(head, body: body, channel: channel)
        }
    }

    func answer(_ batch: UpdatesBatch, channel: Channel) {
        let head = HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"])
        answer(head, body: UpdatesController.body(batch), channel: channel)
    }

    func answer(_ head: HTTPResponse, body: ByteBuffer, channel: Channel) {
        guard case .running = state, let context = try? channel.pipeline.syncOperations.context(handler: self) else {
            return
        }
        write(head, body: body, context: context)
    }

    /// Writes a whole response, then serves what was pipelined behind it or waits for the
    /// next request.
    private func write(_ head: HTTPResponse, body: ByteBuffer, context: ChannelHandlerContext) {
        var head = head
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.date] = HTTPDate.now
        head.headerFields[.server] = "tidings"
        if closeAfterResponse { head.headerFields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        if closeAfterResponse {
            state = .closed
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        state = .idle
        armIdleTimer(context)
        while case .idle = state, !pending.isEmpty {
            process(pending.removeFirst(), context: context)
        }
    }

    /// Gives the connection to Hummingbird: its connection-state handler and async channel
    /// go in after this handler, receive what was buffered, and this handler leaves.
    private func handOff(startingWith parts: [HTTPRequestPart], context: ChannelHandlerContext) {
        disarmIdleTimer()
        state = .handedOff
        setupCompleted = true
        let value: HTTP1Channel.Value
        do {
            value = try handoff(context.channel)
        } catch {
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        for part in parts + pending { context.fireChannelRead(wrapInboundOut(part)) }
        pending = []
        context.fireChannelReadComplete()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        promise.succeed(value)
    }

    private func armIdleTimer(_ context: ChannelHandlerContext) {
        disarmIdleTimer()
        let channel = context.channel
        idleTimer = context.eventLoop.scheduleTask(in: lane.idleTimeout) { channel.close(promise: nil) }
    }

    private func disarmIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
    }
}
