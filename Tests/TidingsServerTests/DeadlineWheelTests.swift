import NIOCore
import NIOEmbedded
import Testing

@testable import TidingsServer

/// The wheel of request deadlines holds open connections only. When a deadline closes a
/// connection is checked end to end, against the real clock (`OperationsTests`).
@Suite("Request deadlines: one wheel per event loop")
struct DeadlineWheelTests {
    @Test("open connections wait in the wheel, each leaves it when it closes")
    func closedConnectionsLeave() async throws {
        let loop = EmbeddedEventLoop()
        let wheel = DeadlineWheel(eventLoop: loop)
        var channels = [EmbeddedChannel]()
        for _ in 0..<2 {
            let channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandler(
                RequestDeadlineHandler(requestTimeout: .seconds(20), idleTimeout: .seconds(60), wheel: wheel))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            // A response ends: the deadline moves later, the connection stays where it waits.
            try channel.writeOutbound(RequestDeadlineHandler.OutboundIn.end(nil))
            channels.append(channel)
        }
        #expect(wheel.count == 2)
        try await channels[0].close()
        #expect(wheel.count == 1)
        try await channels[1].close()
        #expect(wheel.count == 0)
    }

    @Test("a bucket ends on the whole second at or after a deadline")
    func buckets() {
        #expect(DeadlineWheel.bucket(of: .uptimeNanoseconds(1_000_000_000)) == 1)
        #expect(DeadlineWheel.bucket(of: .uptimeNanoseconds(1_000_000_001)) == 2)
        #expect(DeadlineWheel.bucket(of: .distantFuture) > 0)  // no overflow
    }
}
