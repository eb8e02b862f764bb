import Foundation
import Hummingbird
import NIOHTTP1
import TidingsAPI
import TidingsCore
import TidingsStore

/// `GET /v1/users/{user_id}/feeds/{channel_id}/updates`: the long poll (API.md section 7).
struct UpdatesController: Sendable {
    static let defaultTimeout = 25.0
    static let maxTimeout = 60.0
    static let defaultLimit = 100
    static let maxLimit = 500

    let database: AppDatabase
    let hub: UpdateHub
    /// Whether to watch the connection for the client going away (off in router tests,
    /// which have no connection).
    let detectsDisconnects: Bool

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("users/{user_id}/feeds/{channel_id}/updates", use: poll)
            .rejectMethods(on: "users/{user_id}/feeds/{channel_id}/updates", except: [.get])
    }

    @Sendable func poll(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let feed = try FeedsController.feedKey(context)
        let parameters = request.queryDictionary
        let (requestedTimeout, limit) = try Self.timeoutAndLimit(parameters)
        let timeout = HeadRequest.isActive ? 0 : requestedTimeout  // HEAD answers at once: no content to wait for
        guard let sinceText = parameters["since"] else {
            return try response(try await database.updates(of: feed, since: nil, limit: limit), feed: feed)
        }
        let since: Int64
        do {
            since = try FeedCursor.decode(sinceText, kind: .update, feed: feed).position
        } catch {
            throw TidingsErrorResponse(error)
        }
        guard timeout > 0 else {
            return try response(try await database.updates(of: feed, since: since, limit: limit), feed: feed)
        }
        var request = request
        if detectsDisconnects, PollParking.current == nil, request.declaresBody {
            // A poll's body means nothing, but a wait watches the request's inbound side, and
            // a body that broke HTTP framing there would end the wait as a disconnect does.
            // Read first, it is answered `400 malformed_body` instead.
            _ = try await Request.readingBody(limit: ServerConfiguration.maxBodyBytes) {
                try await request.collectBody(upTo: ServerConfiguration.maxBodyBytes)
            }
        }
        let ticket: UpdateHub.Ticket
        do {
            ticket = try hub.register(feed: feed, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            // The limits count polls that wait: one whose cursor already has events is answered.
            let batch = try await database.updates(of: feed, since: since, limit: limit)
            guard batch.isEmpty else { return try response(batch, feed: feed) }
            throw TidingsErrorResponse(error)
        }
        if let parking = PollParking.current {
            return try await park(ticket, since: since, limit: limit, in: parking)
        }
        defer { hub.release(ticket) }
        // Registered first, so a commit between this read and the wait still signals the
        // ticket. What is already there (or an expired cursor) is answered on a connection
        // that stays open; only a poll that waits watches its connection.
        let first = try await database.updates(of: feed, since: since, limit: limit)
        guard first.isEmpty else { return try response(first, feed: feed) }
        // On SIGTERM, ShutdownCoordinator answers every waiting poll through the hub.
        // Watching for the client going away reads the connection's inbound stream to its end,
        // so Hummingbird closes the connection after this answer, an error (a cursor expired
        // by a prune while the poll waited) included. Saying so keeps a client from sending
        // its next request on it in the moment before the close arrives (one that does gets a
        // reset, and a POST is not retried). The poll lane, where a connection that starts
        // with polls stays, keeps them alive.
        let batch: UpdatesBatch
        do {
            batch = try await watchingConnection(request, ticket: ticket) {
                try await waitForEvents(ticket, since: since, limit: limit, lastRead: first)
            }
        } catch where detectsDisconnects && (error is CancellationError || error is HTTPParserError) {
            // The client half-closed or left (the hub cancelled the wait), or sent bytes after
            // the poll that are no request: the wait ends, and the poll gets what it had (nothing
            // new, the same cursor) on a connection that closes after it.
            batch = first
        } catch where detectsDisconnects {
            throw ClosingConnection(error: error)
        }
        var answer = try response(batch, feed: feed)
        if detectsDisconnects { answer.headers[.connection] = "close" }
        return answer
    }

    /// Served by the poll lane: reads once after registering; with nothing new, hands the
    /// ticket to the lane, which answers when the hub signals it, with no task waiting.
    private func park(_ ticket: UpdateHub.Ticket, since: Int64, limit: Int, in parking: PollParking) async throws
        -> Response
    {
        let batch: UpdatesBatch
        do {
            batch = try await database.updates(of: ticket.feed, since: since, limit: limit)
        } catch {
            hub.release(ticket)
            throw error
        }
        guard batch.isEmpty else {
            hub.release(ticket)
            return try response(batch, feed: ticket.feed)
        }
        parking.park(ParkedPoll(ticket: ticket, since: since, limit: limit, lastRead: batch))
        return Response(status: .ok)
    }

    /// Waits while `lastRead` (the read after registering) has nothing new, reading the
    /// stream again on each wake-up.
    private func waitForEvents(_ ticket: UpdateHub.Ticket, since: Int64, limit: Int, lastRead: UpdatesBatch)
        async throws -> UpdatesBatch
    {
        var batch = lastRead
        while batch.isEmpty {
            switch await hub.wait(ticket) {
            case .woken: batch = try await database.updates(of: ticket.feed, since: since, limit: limit)
            case .timedOut, .shutdown: return batch
            case .cancelled: throw CancellationError()
            }
        }
        return batch
    }

    private func watchingConnection(
        _ request: Request, ticket: UpdateHub.Ticket, _ operation: () async throws -> UpdatesBatch
    ) async throws -> UpdatesBatch {
        guard detectsDisconnects else { return try await operation() }
        return try await request.body.consumeWithInboundCloseHandler { _ in
            try await operation()
        } onInboundClosed: { [hub] in
            hub.cancel(ticket)
        }
    }

    private func response(_ batch: UpdatesBatch, feed: FeedKey) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: Self.body(batch)))
    }

    /// The JSON answer to a poll (shared with the poll lane, which writes it without a route).
    static func body(_ batch: UpdatesBatch) -> ByteBuffer {
        batch.withJSON { ByteBuffer(bytes: $0) }
    }

    /// `timeout` in seconds (default 25, capped at 60, 0 = don't wait) and `limit` (1–500).
    static func timeoutAndLimit(_ parameters: [String: String]) throws -> (Double, Int) {
        var timeout = defaultTimeout
        if let text = parameters["timeout"] {
            // Decimal seconds only (`5`, `2.5`): `Double` would also take `0x10`, `1e3` or `nan`.
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let decimal = parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } }
            guard decimal, let value = Double(text), value.isFinite, value >= 0 else {
                throw TidingsErrorResponse(.invalidParameter("timeout", "timeout must be a number of seconds, 0 or more."))
            }
            timeout = min(value, maxTimeout)
        }
        var limit = defaultLimit
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...maxLimit).contains(value) else {
                throw TidingsErrorResponse(.invalidParameter("limit", "limit must be an integer from 1 to \(maxLimit)."))
            }
            limit = value
        }
        return (timeout, limit)
    }
}
