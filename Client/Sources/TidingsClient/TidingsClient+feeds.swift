import Foundation
import TidingsAPI

extension TidingsClient {
    /// The answer to a create: the messages, and whether it was an idempotent replay.
    public struct CreatedMessages: Sendable, Hashable {
        /// The `201` body (or the original one, on a replay).
        public var response: CreateMessagesResponse
        /// `true` when the server replayed an earlier answer for the same `Idempotency-Key`
        /// (status `200`, nothing created).
        public var replayed: Bool
    }

    /// `POST /v1/channels/{channel}/messages`: one message per recipient, all or none.
    public func createMessages(
        channel: String, _ request: CreateMessagesRequest, idempotencyKey: String? = nil
    ) async throws -> CreatedMessages {
        let headers = idempotencyKey.map { ["Idempotency-Key": $0] } ?? [:]
        let answer = try await send(
            "POST", ["v1", "channels", channel, "messages"], body: try Self.encode(request), headers: headers)
        return CreatedMessages(
            response: try Self.decode(CreateMessagesResponse.self, from: answer.body), replayed: answer.status == 200)
    }

    /// `GET /v1/users/{user}/feeds/{channel}`: one page of a feed. Unless
    /// `options.markSeen` is `false`, the server marks the unseen entries it returns seen.
    public func feed(user: String, channel: String, options: FeedOptions = FeedOptions()) async throws -> FeedPage {
        try await send(FeedPage.self, "GET", ["v1", "users", user, "feeds", channel], query: options.queryItems)
    }

    /// Every page of a feed, one after another, following `page_info.after` (or
    /// `page_info.before` when `options.before` is set) until the server says there is no more.
    public func feedPages(user: String, channel: String, options: FeedOptions = FeedOptions()) -> FeedPages {
        FeedPages(client: self, user: user, channel: channel, options: options)
    }

    /// `GET /v1/users/{user}/feeds/{channel}/updates`: a long poll. With no `since` it
    /// answers at once with the stream's current cursor; otherwise it waits up to `timeout`
    /// seconds (the server caps it at 60) for events after `since`. A `410` means `since`
    /// has expired: reload the feed and continue from its `meta.updates_cursor`.
    public func updates(
        user: String, channel: String, since: String?, timeout: Int? = nil, limit: Int? = nil
    ) async throws -> UpdatesResponse {
        var query = [(String, String)]()
        if let since { query.append(("since", since)) }
        if let timeout { query.append(("timeout", String(timeout))) }
        if let limit { query.append(("limit", String(limit))) }
        let wait = TimeInterval(min(max(timeout ?? 25, 0), Self.maximumPollTimeout)) + Self.pollSlack
        return try await send(
            UpdatesResponse.self, "GET", ["v1", "users", user, "feeds", channel, "updates"], query: query,
            timeout: wait)
    }

    /// `GET /readyz`: whether the server is up, its database usable and it is not shutting down.
    public func isReady() async throws -> Bool {
        do {
            _ = try await send("GET", ["readyz"])
            return true
        } catch let error as TidingsClientError where error.status == 503 {
            return false
        }
    }
}
