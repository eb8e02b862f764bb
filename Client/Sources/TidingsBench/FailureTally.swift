import TidingsClient

/// Requests that failed during a run: how many, by kind, and the first one's reason.
public struct FailureTally: Codable, Sendable, Hashable {
    public var count = 0
    /// `"http 503"`, `"closed"`, `"timed out"`, … → how many.
    public var byKind: [String: Int] = [:]
    public var first: String?

    public init() {}

    mutating func add(kind: String, reason: String) {
        count += 1
        byKind[kind, default: 0] += 1
        if first == nil { first = reason }
    }

    mutating func add(_ response: BenchResponse) {
        add(kind: "http \(response.status)", reason: response.error.description)
    }

    mutating func add(_ error: any Error) {
        switch error {
        case BenchTransportError.closed: add(kind: "closed", reason: "\(error)")
        case BenchTransportError.timedOut: add(kind: "timed out", reason: "\(error)")
        case let failure as TidingsClientError: add(kind: "unreachable", reason: failure.description)
        default: add(kind: "other", reason: "\(error)")
        }
    }

    mutating func merge(_ other: FailureTally) {
        count += other.count
        byKind.merge(other.byKind, uniquingKeysWith: +)
        if first == nil { first = other.first }
    }

    enum CodingKeys: String, CodingKey {
        case count
        case byKind = "by_kind"
        case first
    }
}
