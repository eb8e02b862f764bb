import TidingsAPI

/// Follows a feed's update stream with long polls (API.md section 7), as an endless
/// asynchronous sequence of `WatchUpdate`s.
///
/// It always passes the last answer's `cursor` as the next `since`, so no event is lost
/// or repeated. Transient failures (network errors, a restarting server, `429`, `5xx`)
/// are retried with `backoff`, resuming from the last cursor; an expired cursor (`410`)
/// reloads the feed and continues from its `updates_cursor`. Other errors (`401`, `403`,
/// `400`…) end the sequence by throwing. Cancelling the consuming task ends it at once
/// (`nil`), even during a poll or a backoff wait.
public struct FeedWatcher: AsyncSequence, Sendable {
    public typealias Element = WatchUpdate

    public let client: TidingsClient
    public let user: String
    public let channel: String
    /// Where to start; `nil` starts from the stream's current position.
    public let since: String?
    /// The seconds a poll may wait: at least one, or a quiet feed would be polled as fast
    /// as the server answers; at most what the server allows.
    public static let pollTimeouts = 1...TidingsClient.maximumPollTimeout

    /// Seconds each poll waits on the server for an event, within `pollTimeouts`.
    public let pollTimeout: Int
    /// How many events one poll may return (1–500); `nil` for the server's default.
    public let limit: Int?
    public let backoff: Backoff

    public init(
        client: TidingsClient, user: String, channel: String, since: String? = nil, pollTimeout: Int = 25,
        limit: Int? = nil, backoff: Backoff = Backoff()
    ) {
        self.client = client
        self.user = user
        self.channel = channel
        self.since = since
        self.pollTimeout = Swift.min(Swift.max(pollTimeout, Self.pollTimeouts.lowerBound), Self.pollTimeouts.upperBound)
        self.limit = limit
        self.backoff = backoff
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(watcher: self, cursor: since) }

    /// Polls when it has nothing queued; holds the cursor to resume from.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let watcher: FeedWatcher
        /// The cursor of the last answer: everything up to it has been queued.
        public private(set) var cursor: String?
        private var queued = [WatchUpdate]()
        private var failures = 0
        private var waitBeforeNextRequest: Duration?
        private var needsResync = false

        init(watcher: FeedWatcher, cursor: String?) {
            self.watcher = watcher
            self.cursor = cursor
        }

        public mutating func next() async throws -> WatchUpdate? {
            while true {
                if !queued.isEmpty { return queued.removeFirst() }
                if let wait = waitBeforeNextRequest {
                    waitBeforeNextRequest = nil
                    do { try await Task.sleep(for: wait) } catch { return nil }
                }
                if Task.isCancelled { return nil }
                do {
                    try await request()
                } catch is CancellationError {
                    return nil
                } catch let error as TidingsClientError where error.status == 410 {
                    needsResync = true
                } catch let error as TidingsClientError where error.isTransient {
                    failures += 1
                    let delay = watcher.backoff.delay(attempt: failures, retryAfter: retryAfter(of: error))
                    waitBeforeNextRequest = delay
                    return .retrying(attempt: failures, delay: delay, error: error)
                }
            }
        }

        /// One poll (or, after a `410`, one feed reload), queueing what it brought.
        private mutating func request() async throws {
            let client = watcher.client
            if needsResync {
                let page = try await client.feed(
                    user: watcher.user, channel: watcher.channel, options: FeedOptions(markSeen: false))
                cursor = page.meta.updatesCursor
                needsResync = false
                noteSuccess()
                queued.append(.resynced(page))
                return
            }
            // The first poll after a failure does not wait: it tells at once whether the server
            // is back (`reconnected`), where a long poll told it only with its answer.
            let answer = try await client.updates(
                user: watcher.user, channel: watcher.channel, since: cursor,
                timeout: cursor == nil || failures > 0 ? 0 : watcher.pollTimeout, limit: watcher.limit)
            cursor = answer.cursor
            noteSuccess()
            queued += answer.events.map(WatchUpdate.event)
        }

        private mutating func noteSuccess() {
            if failures > 0 { queued.append(.reconnected(failedAttempts: failures)) }
            failures = 0
        }

        private func retryAfter(of error: TidingsClientError) -> Int? {
            if case .server(_, _, _, let retryAfter) = error { retryAfter } else { nil }
        }
    }
}
