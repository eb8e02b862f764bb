import NIOCore
import NIOHTTP1

/// Ends HTTP/1.0 connections after their answer. Without keep-alive an HTTP/1.0 connection
/// is not persistent (RFC 9112 §9.3), and Tidings keeps none alive: the request is marked
/// `Connection: close`, which the poll lane and Hummingbird both honour, so the connection
/// closes after the answer instead of at the idle timeout. Sits before the HTTP types
/// conversion, which drops the request's version. It stays for the connection's life: a
/// client may send an HTTP/1.0 request after HTTP/1.1 ones.
final class HTTP10CloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version == .http1_0 else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        head.headers.remove(name: "expect")  // an HTTP/1.0 client knows no 100 Continue (RFC 9110 §10.1.1)
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
