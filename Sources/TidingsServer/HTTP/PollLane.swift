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
    /// The latest batch with nothing after `since` (the read after registering, or a later
    /// re-read or push with counts as of then); it answers a timeout or shutdown.
    private(set) var lastRead: UpdatesBatch
    /// Headers the middlewares gave the poll's response when it parked (CORS), which its
    /// answer carries; `nil` when there are none.
    var extraHeaders: HTTPFields? = nil

    /// The same poll, after a read that found nothing new.
    func reread(_ batch: UpdatesBatch) -> ParkedPoll {
        var poll = self
        poll.lastRead = batch
        return poll
    }
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
    let logger: Logger
    /// Where commits queue the answers of each event loop's woken polls.
    let pushed: PerEventLoop<PushedAnswers>
    /// Each event loop's task executor: requests are routed on their connection's loop.
    let executors = PerEventLoop { EventLoopExecutor($0) }

    init(
        responder: @escaping @Sendable (Request, Channel) async -> Response, rereads: StreamRereads, hub: UpdateHub,
        logger: Logger
    ) {
        self.responder = responder
        self.rereads = rereads
        self.hub = hub
        self.logger = logger
        pushed = PerEventLoop { PushedAnswers(eventLoop: $0, hub: hub) }
    }

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
        if var parked = parking.take() {
            // What the middlewares added; the answer writes its own framing, date and server.
            var added = response.headers
            for name in [HTTPField.Name.contentType, .contentLength, .date, .server, .connection] { added[name] = nil }
            parked.extraHeaders = added.isEmpty ? nil : added
            channel.eventLoop.execute { [parked] in handler.value.park(parked, channel: channel) }
            return
        }
        let (responseHead, body) = await ResponseParts.collect(response)
        channel.eventLoop.execute { handler.value.answer(responseHead, body: body, channel: channel) }
    }
}

/// What a woken poll found after its cursor, in what the waking commit pushed or by
/// reading the stream again.
enum WokenAnswer: Sendable {
    /// Events: the answer, ready for the wire. It reaches the poll with the poll's hub
    /// slot already released, by whoever found it (for many polls at once).
    case events(WireAnswer)
    /// Nothing after the poll's cursor: the batch, which answers a later timeout.
    case nothing(UpdatesBatch)
    case failed(TidingsError)

    init(_ batch: UpdatesBatch, allocator: ByteBufferAllocator, extraHeaders: HTTPFields?) {
        self = batch.isEmpty ? .nothing(batch) : .events(WireAnswer(batch, allocator: allocator, extraHeaders: extraHeaders))
    }

    var isEvents: Bool {
        if case .events = self { true } else { false }
    }
}

/// Re-reads the stream for woken polls, many in one read transaction: the polls one
/// commit wakes are queued together while the previous read runs. The answers' JSON is
/// written on the reader's thread, and each event loop gets its polls' results in one
/// task, not one task per poll.
final class StreamRereads: Sendable {
    private let database: AppDatabase
    private let hub: UpdateHub
    private let queue = Mutex<(waiting: [ParkedWaiter], draining: Bool)>(([], false))
    private let allocator = ByteBufferAllocator()
    /// Most reads in one transaction, so one snapshot is never held long.
    static let maxPerRead = 500

    init(database: AppDatabase, hub: UpdateHub) {
        self.database = database
        self.hub = hub
    }

    /// Queues a read for a parked poll; what it finds reaches the waiter on the poll's event
    /// loop, and an `.events` answer comes with the poll's ticket released.
    func enqueue(_ waiter: ParkedWaiter) {
        let start = queue.withLock { queue in
            queue.waiting.append(waiter)
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
        let requests = waiting.map { waiter in
            AppDatabase.UpdatesRequest(feed: waiter.poll.ticket.feed, since: waiter.poll.since, limit: waiter.poll.limit)
        }
        database.updates(requests) { results in
            let answers: [WokenAnswer]
            switch results {
            case .success(let results):
                answers = zip(waiting, results).map { waiter, result in
                    switch result {
                    case .success(let batch):
                        WokenAnswer(batch, allocator: self.allocator, extraHeaders: waiter.poll.extraHeaders)
                    case .failure(let error): .failed(error)
                    }
                }
            case .failure:
                answers = Array(repeating: .failed(.internalError), count: waiting.count)
            }
            self.deliver(zip(waiting, answers))
            self.drain()
        }
    }

    /// Releases the slots of the polls answered with events, then hands each event loop
    /// its polls' results in one task.
    private func deliver(_ results: Zip2Sequence<[ParkedWaiter], [WokenAnswer]>) {
        hub.release(results.compactMap { waiter, reread in reread.isEvents ? waiter.poll.ticket : nil })
        var byLoop: [ObjectIdentifier: (any EventLoop, [(ParkedWaiter, WokenAnswer)])] = [:]
        for (waiter, reread) in results {
            let eventLoop = waiter.answers.eventLoop
            byLoop[ObjectIdentifier(eventLoop), default: (eventLoop, [])].1.append((waiter, reread))
        }
        for (eventLoop, deliveries) in byLoop.values {
            eventLoop.execute {
                for (waiter, reread) in deliveries { waiter.found(reread) }
            }
        }
    }
}

/// A poll's `200` answer as the bytes on the wire, which the lane writes past the HTTP
/// encoders in one buffer: head and JSON, rendered where the batch was read.
struct WireAnswer: Sendable {
    /// Status line, headers and body of a keep-alive answer.
    let bytes: ByteBuffer
    let headLength: Int
    /// Header fields beyond the usual ones (see `ParkedPoll.extraHeaders`), in `bytes` too.
    let extraHeaders: HTTPFields?

    /// The head and JSON apart (to answer through the encoders, when the connection must close).
    var head: HTTPResponse {
        var head = HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"])
        if let extraHeaders { head.headerFields.append(contentsOf: extraHeaders) }
        return head
    }
    var body: ByteBuffer { bytes.getSlice(at: bytes.readerIndex + headLength, length: bytes.readableBytes - headLength)! }

    init(_ batch: UpdatesBatch, allocator: ByteBufferAllocator, extraHeaders: HTTPFields?) {
        self.extraHeaders = extraHeaders
        (bytes, headLength) = batch.withJSON { json in
            let date = HTTPDate.now
            let length = String(json.count)
            let prefix: StaticString = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            let dateName: StaticString = "\r\nDate: "
            let server: StaticString = "\r\nServer: tidings\r\n"
            var buffer = allocator.buffer(capacity: 160 + json.count)
            buffer.writeStaticString(prefix)
            buffer.writeString(length)
            buffer.writeStaticString(dateName)
            buffer.writeString(date)
            buffer.writeStaticString(server)
            if let extraHeaders {
                for field in extraHeaders { buffer.writeString("\(field.name.rawName): \(field.value)\r\n") }
            }
            buffer.writeStaticString("\r\n")
            let headLength = buffer.readableBytes
            buffer.writeBytes(json)
            return (buffer, headLength)
        }
    }
}
