import NIOCore
import NIOHTTP1

/// Turns an `Exchange` into request parts and the response parts that follow into one
/// `BenchResponse`: one request at a time, on a keep-alive connection. Parsing is
/// NIOHTTP1's client codec; this handler only collects what it decoded.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private struct Pending {
        var promise: EventLoopPromise<BenchResponse>
        var sentAt: NIODeadline
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        var timeout: Scheduled<Void>?
    }

    private var pending: Pending?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            exchange.promise.fail(BenchTransportError.busy)
            promise?.fail(BenchTransportError.busy)
            return
        }
        let timeout = exchange.timeout
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.fail(BenchTransportError.timedOut(timeout))
            context.close(promise: nil)
        }
        pending = Pending(promise: exchange.promise, sentAt: .now(), timeout: scheduled)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending?.head = head
        case .body(var buffer):
            if pending?.body == nil {
                pending?.body = buffer
            } else {
                pending?.body?.writeBuffer(&buffer)
            }
        case .end:
            let receivedAt = NIODeadline.now()
            guard let done = pending else { return }
            pending = nil
            done.timeout?.cancel()
            let response = BenchResponse(
                status: Int(done.head?.status.code ?? 0), body: done.body ?? ByteBuffer(), sentAt: done.sentAt,
                receivedAt: receivedAt)
            done.promise.succeed(response)
            if done.head?.isKeepAlive == false { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(BenchTransportError.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        guard let failed = pending else { return }
        pending = nil
        failed.timeout?.cancel()
        failed.promise.fail(error)
    }
}
