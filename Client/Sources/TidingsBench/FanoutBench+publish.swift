import NIOCore

/// The measured part of a fan-out: the creates written at once, every poll's answer, the
/// tally against the deadline.
extension FanoutBench {
    /// What one publication to all the waiting polls produced.
    struct Round {
        var answers: [Result<BenchResponse, any Error>]
        var createLatency: LatencyRecorder
        /// When the first create was written (on its event loop).
        var start: NIODeadline
        /// Whether the deadline closed the polls still waiting.
        var deadlinePassed: Bool
    }

    /// Writes the creates, each on a new connection, all at once, then collects every poll's
    /// answer; at the deadline the polls still waiting are closed.
    func publish(_ bodies: [ByteBuffer], to waiting: [WaitingPoll], generator: LoadGenerator) async throws -> Round {
        let connections = try await generator.connect(count: bodies.count)
        defer { for connection in connections { connection.close() } }
        let path = generator.target.createPath(channel: channel)
        let sendStart = NIODeadline.now()
        let creates = zip(connections, bodies).map { connection, body in
            connection.start(BenchRequest(.POST, path, body: body))
        }
        let deadlinePassed = StopSignal()
        let closer = Task { [deadline] in
            try await Task.sleep(nanoseconds: UInt64(deadline.nanoseconds))
            deadlinePassed.set()
            for poll in waiting { poll.connection.close() }
        }
        var answers = [Result<BenchResponse, any Error>]()
        answers.reserveCapacity(waiting.count)
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
        for create in creates {
            guard let created = try? await create.get() else { continue }
            if created.isSuccess { createLatency.record(created.latency) }
            firstSend = min(firstSend ?? created.sentAt, created.sentAt)
        }
        return Round(
            answers: answers, createLatency: createLatency, start: firstSend ?? sendStart,
            deadlinePassed: deadlinePassed.isSet)
    }

    /// Each answer's time after the first create, and the lost polls by reason: not `200`,
    /// no event, later than the deadline, or no answer at all.
    func tally(_ round: Round) -> (LatencyRecorder, [String: Int]) {
        var latency = LatencyRecorder()
        var lost = [String: Int]()
        for answer in round.answers {
            switch answer {
            case .success(let response) where response.status != 200: lost["http \(response.status)", default: 0] += 1
            case .success(let response) where !PollAnswers.hasEvents(response): lost["no events", default: 0] += 1
            case .success(let response) where response.receivedAt - round.start > deadline:
                lost["after deadline", default: 0] += 1
            case .success(let response): latency.record(response.receivedAt - round.start)
            case .failure where round.deadlinePassed: lost["deadline", default: 0] += 1
            case .failure(let error): lost[Self.kind(of: error), default: 0] += 1
            }
        }
        return (latency, lost)
    }
}
