import NIOCore

/// `bench fanout`: one waiting long poll for each of `polls` distinct users, then creates
/// addressed to all of them (`recipientsPerRequest` a request), and the time from writing
/// the first create to each poll's answer. A poll not answered with an event within
/// `deadline` is lost.
public struct FanoutBench: Sendable {
    public var polls = 10_000
    public var recipientsPerRequest = 1000
    public var channel = "bench-fanout"
    public var userPrefix = "bench-fan"
    public var deadline: TimeAmount = .seconds(30)
    public var connectConcurrency = 256
    public var cursorClients = 16
    public var gaugeTimeout: TimeAmount = .seconds(120)
    /// The single-poll case runs first, this many times (0: not at all).
    public var single = SinglePollBench()

    public init() {}

    /// What `bench fanout --json` prints.
    public struct Report: Codable, Sendable {
        public var bench = "fanout"
        public var server: String
        public var channel: String
        public var threads: Int
        public var polls: Int
        public var creates: Int
        public var recipientsPerRequest: Int
        public var answered: Int
        public var lost: Int
        public var lostByReason: [String: Int]
        public var deadlineS: Double
        /// From writing the first create to each answer's last byte.
        public var latency: LatencySummary
        public var createLatency: LatencySummary
        public var setup: Setup
        public var single: SinglePollBench.Report?

        public struct Setup: Codable, Sendable {
            public var cursorsS: Double
            public var openS: Double
            public var gaugeWaitS: Double

            enum CodingKeys: String, CodingKey {
                case cursorsS = "cursors_s"
                case openS = "open_s"
                case gaugeWaitS = "gauge_wait_s"
            }
        }

        enum CodingKeys: String, CodingKey {
            case bench, server, channel, threads, polls, creates, answered, lost, latency, setup, single
            case recipientsPerRequest = "recipients_per_request"
            case lostByReason = "lost_by_reason"
            case deadlineS = "deadline_s"
            case createLatency = "create_latency"
        }
    }

    public var userIDs: [String] { (0..<polls).map { "\(userPrefix)-\($0)" } }

    public func run(on generator: LoadGenerator) async throws -> Report {
        try await generator.checkAccess(channel: channel)
        let singleReport = single.repetitions > 0 ? try await single.run(on: generator) : nil
        let users = userIDs
        let bodies = stride(from: 0, to: polls, by: recipientsPerRequest).map { start in
            let slice = Array(users[start..<min(start + recipientsPerRequest, polls)])
            return CreateBodies(users: slice, recipientsPerRequest: slice.count).body(ofRequest: 0)
        }
        var setup = Report.Setup(cursorsS: 0, openS: 0, gaugeWaitS: 0)
        let cursorsStart = NIODeadline.now()
        let cursors = try await self.cursors(of: users, generator: generator)
        setup.cursorsS = seconds(NIODeadline.now() - cursorsStart)

        let gauge = OpenPollsGauge(generator: generator)
        defer { gauge.close() }
        let baseline = try await gauge.read()
        let early = PollAnswers()
        let openStart = NIODeadline.now()
        let waiting = try await open(users: users, cursors: cursors, generator: generator, watching: early)
        setup.openS = seconds(NIODeadline.now() - openStart)
        defer { for poll in waiting { poll.connection.close() } }
        setup.gaugeWaitS = seconds(
            try await gauge.wait(until: baseline + polls, timeout: gaugeTimeout, interval: .milliseconds(10)) {
                early.count > 0
                    ? "\(early.count) polls were answered before any create; first: \(early.first ?? "?")" : nil
            })
        if early.count > 0 {
            throw BenchFailure.setup(
                "\(early.count) polls were answered before any create; first: \(early.first ?? "?")")
        }

        let round = try await publish(bodies, to: waiting, generator: generator)
        let (latency, lost) = tally(round)
        return Report(
            server: generator.target.url, channel: channel, threads: generator.threads, polls: polls,
            creates: bodies.count, recipientsPerRequest: min(recipientsPerRequest, polls), answered: latency.count,
            lost: polls - latency.count, lostByReason: lost, deadlineS: seconds(deadline), latency: latency.summary,
            createLatency: round.createLatency.summary, setup: setup, single: singleReport)
    }

    static func kind(of error: any Error) -> String {
        switch error {
        case BenchTransportError.closed: "closed"
        case BenchTransportError.timedOut: "timed out"
        default: "error"
        }
    }
}
