import NIOCore

/// `bench http`: GETs of one path, back to back from several keep-alive clients. Pointed at
/// a trivial endpoint (a Hummingbird "hello", `/healthz`), it measures the plain-HTTP ceiling
/// that `bench feed` is compared with, through the same load generator and connections.
public struct HTTPBench: Sendable {
    /// The path and query, percent-encoded, after the target's base path.
    public var path: String
    public var clients = 8
    public var requests: Int?
    public var duration: TimeAmount?

    public init(path: String) {
        self.path = path
    }

    /// Why `path` cannot be sent as it is, or nil: it must start with `/` and hold only the
    /// visible ASCII characters a request line allows.
    public static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "the path must start with '/'" }
        guard path.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return "the path must be percent-encoded: no spaces, control or non-ASCII characters"
        }
        return nil
    }

    /// What `bench http --json` prints.
    public struct Report: Codable, Sendable {
        public var bench = "http"
        public var server: String
        public var path: String
        public var clients: Int
        public var threads: Int
        public var requests: Int
        public var failures: FailureTally
        public var durationS: Double
        public var requestsPerS: Double
        public var responseBytes: Int
        public var latency: LatencySummary

        enum CodingKeys: String, CodingKey {
            case bench, server, path, clients, threads, requests, failures, latency
            case durationS = "duration_s"
            case requestsPerS = "requests_per_s"
            case responseBytes = "response_bytes"
        }
    }

    /// Sends one request first, so a server that cannot be reached (`unreachable`) or that
    /// refuses the path (`server`, e.g. 404) fails before the run; then runs the loop.
    public func run(on generator: LoadGenerator) async throws -> Report {
        let fullPath = generator.target.basePath + path
        let probe = try await generator.probe(fullPath)
        let loop = ClosedLoop(
            generator: generator, clients: clients, limit: .init(requests: requests, duration: duration))
        let outcome = try await loop.run { _ in BenchRequest(.GET, fullPath) }
        return Report(
            server: generator.target.url, path: fullPath, clients: clients, threads: generator.threads,
            requests: outcome.succeeded, failures: outcome.failures, durationS: seconds(outcome.elapsed),
            requestsPerS: outcome.rate.rate, responseBytes: probe.body.readableBytes, latency: outcome.latency.summary)
    }
}
