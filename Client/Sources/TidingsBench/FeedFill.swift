import NIOCore
import TidingsAPI

/// Fills a user's feed with single-recipient creates, many clients at once.
public enum FeedFill {
    /// How a fill went.
    public struct Report: Codable, Sendable, Hashable {
        public var created = 0
        public var durationS = 0.0
        public var messagesPerS = 0.0

        enum CodingKeys: String, CodingKey {
            case created
            case durationS = "duration_s"
            case messagesPerS = "messages_per_s"
        }
    }

    /// The feed's counts as a `mark_seen=false` read of one entry sees them.
    public static func counts(
        of user: String, channel: String, generator: LoadGenerator
    ) async throws -> FeedPage.Meta {
        let connection = try await generator.connect()
        defer { connection.close() }
        let path = generator.target.feedPath(user: user, channel: channel, pageSize: 1)
        return try await connection.expectSuccess(BenchRequest(.GET, path)).decode(FeedPage.self).meta
    }

    /// Creates `count` messages for `user` on `channel` with `clients` concurrent clients;
    /// throws the first failure's reason if any create failed.
    public static func create(
        _ count: Int, for user: String, channel: String, clients: Int, generator: LoadGenerator
    ) async throws -> Report {
        guard count > 0 else { return Report() }
        let bodies = CreateBodies(users: [user], recipientsPerRequest: 1)
        let path = generator.target.createPath(channel: channel)
        let loop = ClosedLoop(generator: generator, clients: min(clients, count), limit: .init(requests: count))
        let outcome = try await loop.run { BenchRequest(.POST, path, body: bodies.body(ofRequest: $0)) }
        if outcome.failures.count > 0 {
            throw BenchFailure.setup(
                "filling \(user)'s feed: \(outcome.failures.count) of \(count) creates failed; first: "
                    + (outcome.failures.first ?? "?"))
        }
        return Report(created: outcome.succeeded, durationS: seconds(outcome.elapsed), messagesPerS: outcome.rate.rate)
    }
}

/// A benchmark that could not run to the end.
public enum BenchFailure: Error, Sendable, CustomStringConvertible {
    /// Preparing the measurement failed (filling a feed, opening polls, …).
    case setup(String)
    /// The machine cannot run this size (file descriptors).
    case limits(String)

    public var description: String {
        switch self {
        case .setup(let reason), .limits(let reason): reason
        }
    }
}
