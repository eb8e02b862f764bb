import NIOCore

/// `bench ingest`: creates per second from concurrent clients, each request addressed to
/// `recipientsPerRequest` users of a pool of `users` (`<prefix>-0`, `<prefix>-1`, …).
public struct IngestBench: Sendable {
    public var channel = "bench-ingest"
    public var userPrefix = "bench-ingest"
    public var users = 1000
    public var recipientsPerRequest = 1
    public var clients = 32
    /// Stop after this many messages (rounded up to whole requests)…
    public var messages: Int?
    /// …or after this long, whichever comes first.
    public var duration: TimeAmount?

    public init() {}

    /// What `bench ingest --json` prints.
    public struct Report: Codable, Sendable {
        public var bench = "ingest"
        public var server: String
        public var channel: String
        public var userPrefix: String
        public var users: Int
        public var recipientsPerRequest: Int
        public var clients: Int
        public var threads: Int
        public var requests: Int
        public var messages: Int
        public var failures: FailureTally
        public var durationS: Double
        public var requestsPerS: Double
        public var messagesPerS: Double
        public var latency: LatencySummary

        enum CodingKeys: String, CodingKey {
            case bench, server, channel, users, clients, threads, requests, messages, failures, latency
            case userPrefix = "user_prefix"
            case recipientsPerRequest = "recipients_per_request"
            case durationS = "duration_s"
            case requestsPerS = "requests_per_s"
            case messagesPerS = "messages_per_s"
        }
    }

    /// The pool's user ids.
    public var userIDs: [String] { (0..<users).map { "\(userPrefix)-\($0)" } }

    public func run(on generator: LoadGenerator) async throws -> Report {
        try await generator.checkAccess(channel: channel)
        let bodies = CreateBodies(users: userIDs, recipientsPerRequest: recipientsPerRequest)
        let path = generator.target.createPath(channel: channel)
        let requests = messages.map { ($0 + recipientsPerRequest - 1) / recipientsPerRequest }
        let loop = ClosedLoop(
            generator: generator, clients: min(clients, requests ?? clients),
            limit: .init(requests: requests, duration: duration))
        let outcome = try await loop.run { BenchRequest(.POST, path, body: bodies.body(ofRequest: $0)) }
        let created = outcome.succeeded * recipientsPerRequest
        return Report(
            server: generator.target.url, channel: channel, userPrefix: userPrefix, users: users,
            recipientsPerRequest: recipientsPerRequest, clients: loop.clients, threads: generator.threads,
            requests: outcome.succeeded, messages: created, failures: outcome.failures,
            durationS: seconds(outcome.elapsed), requestsPerS: outcome.rate.rate,
            messagesPerS: (outcome.rate * Double(recipientsPerRequest)).rate, latency: outcome.latency.summary)
    }
}
