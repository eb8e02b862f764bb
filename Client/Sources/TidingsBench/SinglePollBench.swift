import NIOCore

/// The "single poll" case of `bench fanout`: one waiting poll, one create for its user,
/// the time from writing the create to reading the poll's answer, `repetitions` times.
public struct SinglePollBench: Sendable {
    public var user = "bench-single"
    public var channel = "bench-fanout"
    public var repetitions = 300
    public var deadline: TimeAmount = .seconds(30)
    public var gaugeTimeout: TimeAmount = .seconds(30)

    public init() {}

    /// The single-poll figures in `bench fanout --json`.
    public struct Report: Codable, Sendable {
        public var repetitions: Int
        public var answered: Int
        public var lost: Int
        public var latency: LatencySummary
    }

    public func run(on generator: LoadGenerator) async throws -> Report {
        let target = generator.target
        let gauge = OpenPollsGauge(generator: generator)
        let create = ConnectionSlot(generator: generator)
        defer {
            gauge.close()
            create.close()
        }
        let createPath = target.createPath(channel: channel)
        let body = CreateBodies(users: [user], recipientsPerRequest: 1)
        let now = BenchRequest(.GET, target.updatesPath(user: user, channel: channel, since: nil, timeout: 0))
        var cursor = try PollAnswers.cursor(of: try await create.expectSuccess(now))
        let baseline = try await gauge.read()
        var latency = LatencyRecorder()
        var lost = 0
        for repetition in 0..<repetitions {
            // The previous poll has left the server's count before the next one is opened,
            // on a new connection (the server may close one after answering a poll).
            try await gauge.wait(atMost: baseline, timeout: gaugeTimeout, interval: .milliseconds(1))
            let poll = try await generator.connect()
            defer { poll.close() }
            let path = target.updatesPath(user: user, channel: channel, since: cursor, timeout: 60)
            let answered = PollAnswers()
            let future = poll.start(BenchRequest(.GET, path, timeout: deadline))
            answered.watch(future)
            _ = try await gauge.wait(until: baseline + 1, timeout: gaugeTimeout, interval: .milliseconds(1)) {
                answered.count > 0 ? "the single poll was answered before the create: \(answered.first ?? "?")" : nil
            }
            let created = try await create.expectSuccess(
                BenchRequest(.POST, createPath, body: body.body(ofRequest: repetition)))
            guard let answer = try? await future.get(), answer.status == 200, PollAnswers.hasEvents(answer) else {
                // Start again from the stream's current position, past the event this poll missed.
                lost += 1
                cursor = try PollAnswers.cursor(of: try await create.expectSuccess(now))
                continue
            }
            latency.record(answer.receivedAt - created.sentAt)
            cursor = try PollAnswers.cursor(of: answer)
        }
        return Report(repetitions: repetitions, answered: repetitions - lost, lost: lost, latency: latency.summary)
    }
}
