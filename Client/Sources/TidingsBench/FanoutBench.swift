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

    /// A waiting poll: its connection and the future of its answer.
    struct WaitingPoll: Sendable {
        var connection: BenchConnection
        var answer: EventLoopFuture<BenchResponse>
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

        let createConnections = try await generator.connect(count: bodies.count)
        defer { for connection in createConnections { connection.close() } }
        let createPath = generator.target.createPath(channel: channel)
        let sendStart = NIODeadline.now()
        let createAnswers = zip(createConnections, bodies).map { connection, body in
            connection.start(BenchRequest(.POST, createPath, body: body))
        }
        // At the deadline, what is still waiting is closed, and counted lost.
        let deadlinePassed = StopSignal()
        let closer = Task { [deadline] in
            try await Task.sleep(nanoseconds: UInt64(deadline.nanoseconds))
            deadlinePassed.set()
            for poll in waiting { poll.connection.close() }
        }
        var answers = [Result<BenchResponse, any Error>]()
        answers.reserveCapacity(polls)
        for poll in waiting {
            do {
                answers.append(.success(try await poll.answer.get()))
            } catch {
                answers.append(.failure(error))
            }
        }
        closer.cancel()

        var createLatency = LatencyRecorder()
        var firstSend: NIODeadline?
        for answer in createAnswers {
            guard let created = try? await answer.get() else { continue }
            if created.isSuccess { createLatency.record(created.latency) }
            firstSend = min(firstSend ?? created.sentAt, created.sentAt)
        }
        let start = firstSend ?? sendStart
        var latency = LatencyRecorder()
        var lost = [String: Int]()
        for answer in answers {
            switch answer {
            case .success(let response) where response.status != 200: lost["http \(response.status)", default: 0] += 1
            case .success(let response) where !PollAnswers.hasEvents(response): lost["no events", default: 0] += 1
            case .success(let response) where response.receivedAt - start > deadline:
                lost["after deadline", default: 0] += 1
            case .success(let response): latency.record(response.receivedAt - start)
            case .failure where deadlinePassed.isSet: lost["deadline", default: 0] += 1
            case .failure(let error): lost[Self.kind(of: error), default: 0] += 1
            }
        }
        return Report(
            server: generator.target.url, channel: channel, threads: generator.threads, polls: polls,
            creates: bodies.count, recipientsPerRequest: min(recipientsPerRequest, polls), answered: latency.count,
            lost: polls - latency.count, lostByReason: lost, deadlineS: seconds(deadline), latency: latency.summary,
            createLatency: createLatency.summary, setup: setup, single: singleReport)
    }

    /// Each user's current update-stream position (a poll without `since` answers at once).
    func cursors(of users: [String], generator: LoadGenerator) async throws -> [String] {
        let target = generator.target
        let table = IndexedValues<String>(count: users.count)
        let loop = ClosedLoop(
            generator: generator, clients: min(cursorClients, users.count), limit: .init(requests: users.count))
        let channel = channel
        let request: @Sendable (Int) -> BenchRequest = { index in
            BenchRequest(.GET, target.updatesPath(user: users[index], channel: channel, since: nil, timeout: 0))
        }
        let outcome = try await loop.run(request: request) { index, answer in
            guard let cursor = try? PollAnswers.cursor(of: answer) else { return "not an updates answer" }
            table.set(index, cursor)
            return nil
        }
        let cursors = table.all.compactMap { $0 }
        guard outcome.failures.count == 0, cursors.count == users.count else {
            throw BenchFailure.setup(
                "reading the users' cursors: \(outcome.failures.count) requests failed; first: "
                    + (outcome.failures.first ?? "?"))
        }
        return cursors
    }

    /// Opens one connection per user and writes its poll, `connectConcurrency` connects at a
    /// time. On any failure, closes what it opened and throws.
    func open(
        users: [String], cursors: [String], generator: LoadGenerator, watching answers: PollAnswers
    ) async throws -> [WaitingPoll] {
        let target = generator.target
        // The server holds each poll as long as it allows (60 s), so that the first ones opened
        // still wait when the last one is; the deadline after the first create is ours.
        let hold = 60
        let timeout = deadline + .seconds(Int64(hold) + 15)
        var opened = [WaitingPoll?](repeating: nil, count: users.count)
        do {
            try await withThrowingTaskGroup(of: (Int, WaitingPoll).self) { group in
                func add(_ index: Int) {
                    group.addTask {
                        let connection: BenchConnection
                        do {
                            connection = try await generator.connect()
                        } catch {
                            throw BenchFailure.setup("opening poll \(index + 1) of \(users.count): \(error)")
                        }
                        let path = target.updatesPath(
                            user: users[index], channel: channel, since: cursors[index], timeout: hold)
                        let answer = connection.start(BenchRequest(.GET, path, timeout: timeout))
                        answers.watch(answer)
                        return (index, WaitingPoll(connection: connection, answer: answer))
                    }
                }
                var next = 0
                while next < min(connectConcurrency, users.count) {
                    add(next)
                    next += 1
                }
                while let (index, poll) = try await group.next() {
                    opened[index] = poll
                    if next < users.count {
                        add(next)
                        next += 1
                    }
                }
            }
        } catch {
            for poll in opened { poll?.connection.close() }
            throw error
        }
        return opened.compactMap { $0 }
    }

    static func kind(of error: any Error) -> String {
        switch error {
        case BenchTransportError.closed: "closed"
        case BenchTransportError.timedOut: "timed out"
        default: "error"
        }
    }
}
