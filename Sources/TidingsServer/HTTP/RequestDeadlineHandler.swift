import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow or too quiet: a request must arrive whole
/// within the request timeout of the connection opening or of the previous response (a
/// client trickling its headers or body, slowloris, is cut off), and a connection on
/// which no request has started is closed after the idle timeout. A long poll whose
/// request was read keeps its connection. A response that says `Connection: close` ends its
/// connection once written.
///
/// The deadline moves on every request and response, so it is kept lazily: moving it later
/// is a clock read, and when the handler's bucket of the loop's `DeadlineWheel` ends, the
/// handler re-checks and moves to a later bucket. A connection that closes leaves the
/// wheel at once.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let wheel: DeadlineWheel
    /// When the connection is closed if nothing happens first; `nil` while a request is
    /// being answered (or after the connection closed).
    private var due: NIODeadline?
    /// When the current request must be read whole.
    private var requestDue = NIODeadline.distantFuture
    private var readingRequest = false
    /// Whether the response being written says `Connection: close`.
    private var closesAfterResponse = false
    /// Requests read whole and not answered yet (pipelined ones queue behind the first), each
    /// with whether it asked for `Connection: close` (or is HTTP/1.0, see `HTTP10CloseHandler`).
    private var unanswered: [Bool] = []
    /// Whether the request being read asked for `Connection: close`.
    private var readingCloses = false
    /// A request arriving behind others waits for `100 Continue`, sent once they are answered.
    private var continueOwed = false
    /// The wheel's bucket this handler waits in, if any.
    private var bucket: Int64?
    /// This handler's context while it is in the pipeline: what a passed deadline closes.
    /// Not a `weak` reference to the channel: that gives the channel a side table, and every
    /// retain and release of it (several per poll answer) then takes Swift's slow path.
    private var context: ChannelHandlerContext?

    /// `wheel` is the one of the connection's event loop.
    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount, wheel: DeadlineWheel) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.wheel = wheel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startClock() }
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // `Expect: 100-continue` is answered at once, or once the requests before it are
            // (RFC 9110 §10.1.1); a client would otherwise wait a second or more before it sends
            // its body. A body declared over the limit gets its `413` at once instead.
            if Self.expectsContinue(head) {
                if unanswered.isEmpty { sendContinue() } else { continueOwed = true }
            }
            readingRequest = true
            readingCloses = head.headerFields[.connection]?.lowercased() == "close"
            // While a response is pending (a pipelined request), its end starts the clock.
            if due != nil { due = requestDue }
        case .end:
            readingRequest = false
            unanswered.append(readingCloses)
            due = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            // The answer to a request that asked to close says so (RFC 9112 §9.6), as the poll
            // lane's own answers do; Hummingbird closes such connections without saying it.
            if unanswered.first == true, head.headerFields[.connection] == nil {
                head.headerFields[.connection] = "close"
            }
            closesAfterResponse = head.headerFields[.connection]?.lowercased() == "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        case .end where closesAfterResponse:
            // The response said `Connection: close` (HTTP/1.1 §9.6: the server then closes).
            // Hummingbird keeps reading for a next request; half-closing once the end is
            // written tells the client, and the rest of an unread body still drains instead
            // of turning the close into a reset that could lose this answer.
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            continueOwed = false
            responseEnded()
            written.futureResult.whenSuccess { context.close(mode: .output, promise: nil) }
            return
        case .end:
            context.write(data, promise: promise)  // first: an owed 100 Continue goes after it
            responseEnded()
            return
        case .body:
            break
        }
        context.write(data, promise: promise)
    }

    /// On shutdown, a request still arriving gets a short grace instead of the whole request
    /// timeout: a client that stalls inside its body must not hold the exit up for long.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, readingRequest {
            requestDue = min(requestDue, .now() + Self.shutdownGrace)
            if let due { schedule(min(due, requestDue)) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// What a request still arriving at shutdown has left to arrive whole.
    static let shutdownGrace = TimeAmount.seconds(2)

    func channelInactive(context: ChannelHandlerContext) {
        due = nil
        leaveWheel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leaveWheel()
        self.context = nil
    }

    /// Starts the clock for the next request: called for each response that ends, also by
    /// the poll lane for the answers it writes past this handler. Sends an owed `100 Continue`
    /// once nothing is left to answer before its request.
    func responseEnded() {
        if !unanswered.isEmpty { unanswered.removeFirst() }
        if continueOwed, unanswered.isEmpty {
            continueOwed = false
            if readingRequest { sendContinue() }  // else its body came anyway: no 100 needed
        }
        startClock()
    }

    private func sendContinue() {
        context?.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// The deadline for the next request, from now.
    private func startClock() {
        let now = NIODeadline.now()
        requestDue = now + requestTimeout
        schedule(readingRequest ? requestDue : min(requestDue, now + idleTimeout))
    }

    /// Makes `next` the connection's deadline, in the wheel's bucket that holds it.
    private func schedule(_ next: NIODeadline) {
        due = next
        guard context != nil else { return }
        if let bucket {
            if bucket <= DeadlineWheel.bucket(of: next) { return }  // that bucket re-checks
            wheel.remove(self, from: bucket)
        }
        bucket = wheel.add(self, dueBy: next)
    }

    /// The end of this handler's bucket, which it has left: closes the connection if its
    /// deadline passed, or waits in the bucket of the deadline it has now.
    func bucketReached() {
        bucket = nil
        guard let due, let context else { return }
        if due <= .now() {
            context.close(promise: nil)
        } else {
            bucket = wheel.add(self, dueBy: due)
        }
    }

    /// Whether `head` waits for `100 Continue` before sending a body the server would read.
    private static func expectsContinue(_ head: HTTPRequest) -> Bool {
        guard head.headerFields[.expect]?.lowercased() == "100-continue" else { return false }
        if let length = head.headerFields[.contentLength].flatMap(Int.init) {
            return length > 0 && length <= ServerConfiguration.maxBodyBytes
        }
        return head.headerFields[.transferEncoding] != nil
    }

    private func leaveWheel() {
        guard let bucket else { return }
        wheel.remove(self, from: bucket)
        self.bucket = nil
    }
}
