import TidingsAPI

/// What a `FeedWatcher` reports: the feed's events, and how its connection is doing.
public enum WatchUpdate: Sendable, Hashable {
    /// The next event of the feed's update stream. Across reconnections each event comes
    /// exactly once, in order.
    case event(FeedEvent)
    /// A request failed with a transient error (the server is unreachable, restarting or
    /// busy); the watcher waits `delay`, then resumes from its last cursor.
    case retrying(attempt: Int, delay: Duration, error: TidingsClientError)
    /// A request succeeded after `failedAttempts` failures: the watcher is connected again.
    case reconnected(failedAttempts: Int)
    /// The cursor had expired (`410`): the watcher reloaded the first page of the feed
    /// without marking anything seen, and continues from its `meta.updates_cursor`. Events
    /// older than that are not delivered; the page shows the feed as it now is.
    case resynced(FeedPage)
}
