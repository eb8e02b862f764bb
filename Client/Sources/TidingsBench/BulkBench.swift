import Foundation
import NIOCore
import TidingsAPI
import TidingsClient

/// `bench bulk`: mark-all-read of a user with a big unread feed while other clients read
/// feeds in a loop: the reads' latency during the bulk against before it, and the bulk's
/// duration and rows per second.
public struct BulkBench: Sendable {
    public var user = "bench-bulk"
    public var channel = "bench-bulk"
    /// The unread messages the user has when the bulk starts (topped up with creates).
    public var messages = 100_000
    public var fill = true
    public var fillClients = 32
    public var readers = 4
    /// Whose feed the readers read (`mark_seen=false`); the bulk's user when nil.
    public var readUser: String?
    /// How long the readers read before the bulk starts, for the comparison.
    public var baseline: TimeAmount = .seconds(2)
    /// How often a bulk that answered `202` is asked for its progress.
    public var statusInterval: TimeAmount = .milliseconds(10)
    public var bulkTimeout: TimeAmount = .seconds(600)

    public init() {}

    /// What `bench bulk --json` prints.
    public struct Report: Codable, Sendable {
        public var bench = "bulk"
        public var server: String
        public var user: String
        public var channel: String
        public var readUser: String
        public var readers: Int
        public var threads: Int
        public var fill: FeedFill.Report
        public var unreadBefore: Int
        public var unreadAfter: Int
        public var bulk: Operation
        public var readsDuring: LatencySummary
        public var readsBaseline: LatencySummary
        public var readFailures: FailureTally

        /// The bulk operation as it ended.
        public struct Operation: Codable, Sendable {
            public var id: String
            public var httpStatus: Int
            public var status: String
            public var estimatedTotalRows: Int
            public var processedRows: Int
            public var durationS: Double
            public var rowsPerS: Double
            public var statusPolls: Int

            enum CodingKeys: String, CodingKey {
                case id, status
                case httpStatus = "http_status"
                case estimatedTotalRows = "estimated_total_rows"
                case processedRows = "processed_rows"
                case durationS = "duration_s"
                case rowsPerS = "rows_per_s"
                case statusPolls = "status_polls"
            }
        }

        enum CodingKeys: String, CodingKey {
            case bench, server, user, channel, readers, threads, fill, bulk
            case readUser = "read_user"
            case unreadBefore = "unread_before"
            case unreadAfter = "unread_after"
            case readsDuring = "reads_during"
            case readsBaseline = "reads_baseline"
            case readFailures = "read_failures"
        }
    }

    public func run(on generator: LoadGenerator) async throws -> Report {
        try await generator.checkAccess(channel: channel)
        let target = generator.target
        var filled = FeedFill.Report()
        var unread = try await FeedFill.counts(of: user, channel: channel, generator: generator).unreadCount
        if fill, unread < messages {
            filled = try await FeedFill.create(
                messages - unread, for: user, channel: channel, clients: fillClients, generator: generator)
            unread = try await FeedFill.counts(of: user, channel: channel, generator: generator).unreadCount
        }
        let readPath = target.feedPath(user: readUser ?? user, channel: channel)
        let stop = StopSignal()
        var loop = ClosedLoop(generator: generator, clients: readers, limit: .init(stop: stop))
        loop.keepSamples = true
        let reading = Task { [loop] in try await loop.run(request: { _ in BenchRequest(.GET, readPath) }) }
        let operation: Report.Operation
        let window: (start: NIODeadline, end: NIODeadline)
        do {
            try await Task.sleep(nanoseconds: UInt64(baseline.nanoseconds))
            (operation, window) = try await markAllRead(generator: generator)
        } catch {
            stop.set()
            _ = try? await reading.value
            throw error
        }
        stop.set()
        let outcome = try await reading.value
        var during = LatencyRecorder()
        var before = LatencyRecorder()
        for sample in outcome.samples {
            if sample.receivedAt <= window.start {
                before.record(sample.receivedAt - sample.sentAt)
            } else if sample.sentAt < window.end {
                during.record(sample.receivedAt - sample.sentAt)
            }
        }
        let after = try await FeedFill.counts(of: user, channel: channel, generator: generator).unreadCount
        return Report(
            server: target.url, user: user, channel: channel, readUser: readUser ?? user, readers: readers,
            threads: generator.threads, fill: filled, unreadBefore: unread, unreadAfter: after, bulk: operation,
            readsDuring: during.summary, readsBaseline: before.summary, readFailures: outcome.failures)
    }

    /// Starts the bulk and follows it until it has completed or failed; returns it with the
    /// time from writing its request to reading the answer that said it was over.
    func markAllRead(generator: LoadGenerator) async throws -> (Report.Operation, (NIODeadline, NIODeadline)) {
        let target = generator.target
        let connection = ConnectionSlot(generator: generator)
        defer { connection.close() }
        let body = try JSONCoding.encodedBuffer(BulkRequest(userIDs: [user]))
        let started = try await connection.expectSuccess(
            BenchRequest(.POST, target.bulkPath(channel: channel, action: "read"), body: body))
        var operation = try started.decode(BulkOperation.self)
        var end = started.receivedAt
        var polls = 0
        while operation.status == .queued || operation.status == .processing {
            guard end - started.sentAt < bulkTimeout else {
                throw BenchFailure.setup(
                    "the bulk operation \(operation.id) is still \(operation.status.rawValue) after "
                        + "\(seconds(bulkTimeout)) s (\(operation.processedRows) rows done)")
            }
            try await Task.sleep(nanoseconds: UInt64(statusInterval.nanoseconds))
            let answer = try await connection.expectSuccess(
                BenchRequest(.GET, target.bulkOperationPath(id: operation.id)))
            operation = try answer.decode(BulkOperation.self)
            end = answer.receivedAt
            polls += 1
        }
        let duration = seconds(end - started.sentAt)
        let report = Report.Operation(
            id: operation.id, httpStatus: started.status, status: operation.status.rawValue,
            estimatedTotalRows: operation.estimatedTotalRows, processedRows: operation.processedRows,
            durationS: duration, rowsPerS: (duration > 0 ? Double(operation.processedRows) / duration : 0).rate,
            statusPolls: polls)
        return (report, (started.sentAt, end))
    }
}

extension JSONCoding {
    /// `value` as a JSON request body.
    static func encodedBuffer(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try encoder.encode(value))
    }
}
