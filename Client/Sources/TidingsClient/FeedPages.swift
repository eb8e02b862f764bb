import TidingsAPI

/// Every page of a feed in turn, as `TidingsClient.feedPages(user:channel:options:)` walks
/// it: older pages through `page_info.after` (or newer ones through `page_info.before` when
/// the walk starts from a `before` cursor) until the server reports no further page.
///
/// The cursors keep the walk exact while messages arrive: no item twice, none skipped.
public struct FeedPages: AsyncSequence, Sendable {
    public typealias Element = FeedPage

    let client: TidingsClient
    let user: String
    let channel: String
    let options: FeedOptions

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, user: user, channel: channel, next: options)
    }

    /// Reads one page per call; `nil` after the last.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: TidingsClient
        let user: String
        let channel: String
        var next: FeedOptions?

        public mutating func next() async throws -> FeedPage? {
            guard var options = next else { return nil }
            let page = try await client.feed(user: user, channel: channel, options: options)
            let newer = options.before != nil
            let cursor = newer ? page.pageInfo.before : page.pageInfo.after
            if let cursor, !page.entries.isEmpty {
                if newer { options.before = cursor } else { options.after = cursor }
                next = options
            } else {
                next = nil
            }
            return page
        }
    }
}
