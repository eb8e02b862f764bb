import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow or too quiet: a request must arrive whole
/// within the request timeout of the connection opening or of the previous response (a
/// client trickling its headers or body, slowloris, is cut off), and a connection on
/// which no request has started is closed after the idle timeout. A long poll whose
/// request was read keeps its connection.
///
/// The deadline moves on every request and response, so it is kept lazily: moving it is a
/// clock read, and a wake-up scheduled for the old deadline re-checks and schedules itself
/// again. Nothing is ever cancelled, because NIO cancels a scheduled task by searching all
/// of its loop's timers, which with ten thousand connections cost more than the request.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// When the connection is closed if nothing happens first; `nil` while a request is
    /// being answered (or after the connection closed).
    private var due: NIODeadline?
    /// When the current request must be read whole.
    private var requestDue = NIODeadline.distantFuture
    private var readingRequest = false
    /// The earliest wake-up scheduled, if any.
    private var wakeUp: NIODeadline?
    /// The channel, for the scheduled wake-ups, until it closes. Not a `weak` reference: that
    /// gives the channel a side table, and every retain and release of it (several per poll
    /// answer) then takes Swift's slow path through one more cache line.
    private var target: NIOLoopBoundBox<Channel?>?

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { responseEnded(on: context.channel) }
    }

    func channelActive(context: ChannelHandlerContext) {
        responseEnded(on: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            // While a response is pending (a pipelined request), its end starts the clock.
            if due != nil { due = requestDue }
        case .end:
            readingRequest = false
            due = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { responseEnded(on: context.channel) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        due = nil
        target?.value = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        target?.value = nil
    }

    /// Starts the clock for the next request: called for each response that ends, also by
    /// the poll lane for the answers it writes past this handler.
    func responseEnded(on channel: Channel) {
        let now = NIODeadline.now()
        requestDue = now + requestTimeout
        let next = readingRequest ? requestDue : min(requestDue, now + idleTimeout)
        due = next
        if let wakeUp, wakeUp <= next { return }
        schedule(at: next, channel: channel)
    }

    private func schedule(at deadline: NIODeadline, channel: Channel) {
        wakeUp = deadline
        // The task holds the channel through `target`, emptied when the connection closes, so
        // a closed connection is not kept until then.
        let target = self.target ?? NIOLoopBoundBox(channel, eventLoop: channel.eventLoop)
        self.target = target
        channel.eventLoop.scheduleTask(deadline: deadline) {
            guard let channel = target.value,
                let handler = try? channel.pipeline.syncOperations.handler(type: Self.self)
            else { return }
            handler.woke(at: deadline, channel: channel)
        }
    }

    private func woke(at deadline: NIODeadline, channel: Channel) {
        guard wakeUp == deadline else { return }  // a later wake-up of its own is pending
        wakeUp = nil
        guard let due else { return }
        if due <= .now() {
            channel.close(promise: nil)
        } else {
            schedule(at: due, channel: channel)
        }
    }
}
