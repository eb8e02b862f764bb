import NIOCore
import TidingsAPI

/// `bench feed`: reads of the newest page of one big feed, back to back from several
/// keep-alive clients, with or without marking seen. Tops the feed up to `messages` first
/// unless told not to.
public struct FeedBench: Sendable {
    public var user = "bench-feed"
    public var channel = "bench-feed"
    public var messages = 100_000
    public var fill = true
    public var fillClients = 32
    public var clients = 8
    public var pageSize = 50
    public var markSeen = false
    public var requests: Int?
    public var duration: TimeAmount?

    public init() {}

    /// What `bench feed --json` prints.
    public struct Report: Codable, Sendable {
        public var bench = "feed"
        public var server: String
        public var user: String
        public var channel: String
        public var feedMessages: Int
        public var fill: FeedFill.Report
        public var markSeen: Bool
        public var pageSize: Int
        public var clients: Int
        public var threads: Int
        public var reads: Int
        public var failures: FailureTally
        public var durationS: Double
        public var readsPerS: Double
        public var latency: LatencySummary

        enum CodingKeys: String, CodingKey {
            case bench, server, user, channel, fill, clients, threads, reads, failures, latency
            case feedMessages = "feed_messages"
            case markSeen = "mark_seen"
            case pageSize = "page_size"
            case durationS = "duration_s"
            case readsPerS = "reads_per_s"
        }
    }

    public func run(on generator: LoadGenerator) async throws -> Report {
        try await generator.checkAccess(channel: channel)
        var filled = FeedFill.Report()
        if fill {
            let present = try await FeedFill.counts(of: user, channel: channel, generator: generator).totalCount
            filled = try await FeedFill.create(
                messages - present, for: user, channel: channel, clients: fillClients, generator: generator)
        }
        let path = generator.target.feedPath(user: user, channel: channel, pageSize: pageSize, markSeen: markSeen)
        let pageSize = self.pageSize
        let loop = ClosedLoop(
            generator: generator, clients: clients, limit: .init(requests: requests, duration: duration))
        let read: @Sendable (Int) -> BenchRequest = { _ in BenchRequest(.GET, path) }
        let outcome = try await loop.run(request: read) { index, response in
            // A read that returns less than a full page of a full feed is not the read asked for. Decoding
            // costs client CPU that the server shares, so only every 500th answer is checked.
            guard index % 500 == 0 else { return nil }
            guard let page = try? response.decode(FeedPage.self) else { return "not a feed page" }
            let expected = min(pageSize, page.meta.totalCount)
            return page.entries.count == expected ? nil : "\(page.entries.count) entries, expected \(expected)"
        }
        let total = try await FeedFill.counts(of: user, channel: channel, generator: generator).totalCount
        return Report(
            server: generator.target.url, user: user, channel: channel, feedMessages: total, fill: filled,
            markSeen: markSeen, pageSize: pageSize, clients: clients, threads: generator.threads,
            reads: outcome.succeeded, failures: outcome.failures, durationS: seconds(outcome.elapsed),
            readsPerS: outcome.rate.rate, latency: outcome.latency.summary)
    }
}
