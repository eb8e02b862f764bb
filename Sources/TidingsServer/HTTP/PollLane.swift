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

/// A poll that must wait, as `UpdatesController` hands it to the poll lane: everything
/// needed to answer it later.
struct ParkedPoll: Sendable {
    let ticket: UpdateHub.Ticket
    let since: Int64
    let limit: Int
    /// The read made after registering; it answers a timeout or shutdown.
    let lastRead: UpdatesBatch
}

/// Present (task-local) while the poll lane runs a request through the router: a poll
/// that must wait parks here instead of suspending its handler.
final class PollParking: Sendable {
    @TaskLocal static var current: PollParking?
    private let parked = Mutex<ParkedPoll?>(nil)

    func park(_ poll: ParkedPoll) { parked.withLock { $0 = poll } }

    func take() -> ParkedPoll? {
        parked.withLock { parked in
            defer { parked = nil }
            return parked
        }
    }
}

/// What every connection's lane shares: the router, the hub and the database.
struct PollLane: Sendable {
    let responder: @Sendable (Request, Channel) async -> Response
    let rereads: StreamRereads
    let hub: UpdateHub
    let idleTimeout: TimeAmount
    let logger: Logger

    /// `/v1/users/{user_id}/feeds/{channel_id}/updates`, the only path the lane serves.
    static func isPollPath(_ path: String?) -> Bool {
        guard let path else { return false }
        let route = path.prefix { $0 != "?" }
        let segments = route.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == 7 && segments[0].isEmpty && segments[1] == "v1" && segments[2] == "users"
            && !segments[3].isEmpty && segments[4] == "feeds" && !segments[5].isEmpty && segments[6] == "updates"
    }

    /// Runs a poll through the router (in a short task): it is answered, or parked on the
    /// connection's handler.
    func route(_ head: HTTPRequest, channel: Channel, handler: NIOLoopBound<PollLaneHandler>) async {
        let parking = PollParking()
        let response = await PollParking.$current.withValue(parking) {
            await responder(Request(head: head, body: RequestBody(buffer: ByteBuffer())), channel)
        }
        if let parked = parking.take() {
            channel.eventLoop.execute { handler.value.park(parked, channel: channel) }
            return
        }
        let (responseHead, body) = await ResponseParts.collect(response)
        channel.eventLoop.execute { handler.value.answer(responseHead, body: body, channel: channel) }
    }
}

/// Re-reads the stream for woken polls, many in one read transaction: the polls one
/// commit wakes are queued together while the previous read runs.
final class StreamRereads: Sendable {
    typealias Delivery = @Sendable (Result<UpdatesBatch, TidingsError>) -> Void
    private let database: AppDatabase
    private let queue = Mutex<(waiting: [(AppDatabase.UpdatesRequest, Delivery)], draining: Bool)>(([], false))
    /// Most reads in one transaction, so one snapshot is never held long.
    static let maxPerRead = 500

    init(database: AppDatabase) { self.database = database }

    func enqueue(_ request: AppDatabase.UpdatesRequest, deliver: @escaping Delivery) {
        let start = queue.withLock { queue in
            queue.waiting.append((request, deliver))
            guard !queue.draining else { return false }
            queue.draining = true
            return true
        }
        if start { drain() }
    }

    /// Reads for the waiting polls, up to `maxPerRead` at a time, until none waits; each
    /// read's completion starts the next.
    private func drain() {
        let waiting = queue.withLock { queue in
            let taken = Array(queue.waiting.prefix(Self.maxPerRead))
            queue.waiting.removeFirst(taken.count)
            if taken.isEmpty { queue.draining = false }
            return taken
        }
        if waiting.isEmpty { return }
        database.updates(waiting.map(\.0)) { results in
            switch results {
            case .success(let results):
                for ((_, deliver), result) in zip(waiting, results) { deliver(result) }
            case .failure:
                for (_, deliver) in waiting { deliver(.failure(.internalError)) }
            }
            self.drain()
        }
    }
}
