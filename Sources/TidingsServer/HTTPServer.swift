import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOPosix
import ServiceLifecycle

/// The HTTP/1 server: NIO's bootstrap with each connection starting in the poll lane
/// (`PollLaneHandler`), which serves long polls without a task per connection and hands
/// any other request to Hummingbird's own HTTP/1 channel and the router, in a task that runs
/// on the connection's event loop (`EventLoopExecutor`). Binds an address, or adopts a
/// socket inherited from systemd (socket activation).
struct HTTPServer<Responder: HTTPResponder>: Service where Responder.Context == TidingsRequestContext {
    enum Listener: Sendable {
        case address(host: String, port: Int)
        case activated(descriptor: Int32)
    }

    /// The listener could not be set up (address in use, no permission, a bad inherited socket):
    /// the server stops with this as its error.
    struct ListenFailure: Error, CustomStringConvertible {
        let listener: Listener
        let reason: any Error

        var description: String {
            switch listener {
            case .address(let host, let port): "cannot listen on \(host):\(port): \(reason)"
            case .activated(let descriptor): "cannot serve the socket-activated descriptor \(descriptor): \(reason)"
            }
        }
    }

    let listener: Listener
    let responder: Responder
    let requestTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let dependencies: ServerDependencies
    let logger: Logger
    let onListening: @Sendable (String, Int) -> Void
    /// How long a shutdown waits for connections to finish their answers.
    static var drainTimeout: TimeAmount { .seconds(10) }

    func run() async throws {
        let logger = self.logger
        let http1 = HTTP1Channel(responder: Self.respond(with: responder, logger: logger), configuration: .init())
        let lane = PollLane(
            responder: { [responder] request, channel in
                await Self.response(to: request, channel: channel, responder: responder, logger: logger)
            }, rereads: StreamRereads(database: dependencies.database, hub: dependencies.hub), hub: dependencies.hub,
            logger: logger)
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        let initializer = childInitializer(lane: lane)
        let server: NIOAsyncChannel<EventLoopFuture<HTTP1Channel.Value>, Never>
        do {
            switch listener {
            case .address(let host, let port):
                server = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
            case .activated(let descriptor):
                server = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
            }
        } catch {
            throw ListenFailure(listener: listener, reason: error)
        }
        let address = server.channel.localAddress
        switch listener {
        case .address(let host, _): onListening(host, address?.port ?? 0)
        case .activated: onListening(address?.ipAddress ?? "activated", address?.port ?? 0)
        }
        // Connections reach Hummingbird only when the lane hands them over, in any order.
        let (handedOff, handOff) = AsyncStream.makeStream(of: HTTP1Channel.Value.self)
        let eventLoop = group.next()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        try await server.executeThenClose { inbound in
                            for try await connection in inbound {
                                connection.whenSuccess { handOff.yield($0) }
                            }
                        }
                    } catch {
                        logger.error("the listener failed: \(error)")
                        handOff.finish()
                    }
                }
                for await connection in handedOff {
                    // A connection's task runs on its channel's loop: no thread hand-over per request.
                    group.addTask(executorPreference: lane.executors.value(for: connection.channel.eventLoop)) {
                        await http1.handle(value: connection, logger: logger)
                    }
                }
            }
        } onGracefulShutdown: {
            // Idle connections close now; polls answered by the shutdown close after their
            // answer is written. Stop waiting for stragglers after a while.
            let drained = eventLoop.makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: drained)
            let timeout = eventLoop.scheduleTask(in: Self.drainTimeout) { handOff.finish() }
            drained.futureResult.whenComplete { _ in
                timeout.cancel()
                handOff.finish()
            }
        }
    }

    /// Sets up a connection: HTTP/1 codec, the request deadline, then the poll lane, which
    /// completes the setup (Hummingbird's part) only when a request other than a poll comes.
    ///
    /// The encoder and decoder are added as a plain pair, not by `configureHTTPServerPipeline`,
    /// which links them so the encoder can drop the body of answers to `HEAD`: the lane writes
    /// its answers past the encoder, so a linked encoder would queue one request method per
    /// poll and never pop it. `response(to:)` takes the body off answers to `HEAD` instead.
    private func childInitializer(lane: PollLane)
        -> @Sendable (Channel) -> EventLoopFuture<EventLoopFuture<HTTP1Channel.Value>>
    {
        let requestTimeout = self.requestTimeout
        let idleTimeout = self.idleTimeout
        let logger = self.logger
        // Each loop's wheel is made on that loop, by its first connection, and used only there.
        let wheels = PerEventLoop { NIOLoopBound(DeadlineWheel(eventLoop: $0), eventLoop: $0) }
        return { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(HTTPResponseEncoder(configuration: .init()))
                try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                try pipeline.addHandler(HTTP10CloseHandler())
                try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                let deadline = RequestDeadlineHandler(
                    requestTimeout: requestTimeout, idleTimeout: idleTimeout,
                    wheel: wheels.value(for: channel.eventLoop).value)
                try pipeline.addHandler(deadline)
                let promise = channel.eventLoop.makePromise(of: HTTP1Channel.Value.self)
                try pipeline.addHandler(
                    PollLaneHandler(lane: lane, deadline: deadline, promise: promise) { channel in
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: Duration(idleTimeout), logger: logger))
                        return try HTTP1Channel.Value(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    })
                return promise.futureResult
            }
        }
    }

    /// Hummingbird's responder closure for connections handed to it.
    private static func respond(with responder: Responder, logger: Logger) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            let response = await response(to: request, channel: channel, responder: responder, logger: logger)
            try await writer.write(response: response.head, body: response.body)
        }
    }

    /// The router's answer, with the headers every response carries.
    private static func response(to request: Request, channel: Channel, responder: Responder, logger: Logger) async
        -> Response
    {
        let context = TidingsRequestContext(source: .init(channel: channel, logger: logger))
        var response: Response
        do {
            response = try await HeadRequest.$isActive.withValue(request.method == .head) {
                try await responder.respond(to: HeadRequest.routed(request), context: context)
            }
        } catch {
            response = Response(status: .internalServerError)
        }
        response.headers[.date] = HTTPDate.now
        response.headers[.server] = "tidings"
        // An answer to HEAD carries the headers of the answer to GET and no content (RFC
        // 9110 9.3.2); the encoder is not told the request's method (see `childInitializer`).
        return request.method == .head ? response.createHeadResponse() : response
    }
}

extension Duration {
    init(_ amount: TimeAmount) { self = .nanoseconds(amount.nanoseconds) }
}
