import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// Serves HTTP on a socket inherited from systemd (socket activation). Hummingbird's
/// `Application` can only bind an address itself, so this adopts the descriptor with
/// NIO's `bind(_ socket:)` and runs Hummingbird's own HTTP/1 channel and the same router.
struct ActivatedServer<Responder: HTTPResponder>: Service where Responder.Context == TidingsRequestContext {
    let descriptor: Int32
    let responder: Responder
    let configuration: HTTP1Channel.Configuration
    let logger: Logger
    let onListening: @Sendable (String, Int) -> Void

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let http1 = HTTP1Channel(
            responder: { request, writer, channel in
                let context = TidingsRequestContext(source: .init(channel: channel, logger: logger))
                let response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    response = Response(status: .internalServerError)
                }
                try await writer.write(response: response.head, body: response.body)
            }, configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let server = try await ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .bind(descriptor) { channel in http1.setup(channel: channel, logger: logger) }
        let address = server.channel.localAddress
        onListening(address?.ipAddress ?? "activated", address?.port ?? 0)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { inbound in
                    for try await child in inbound {
                        group.addTask { await http1.handle(value: child, logger: logger) }
                    }
                }
            }
        } onGracefulShutdown: {
            quiesce.initiateShutdown(promise: nil)
        }
    }
}
