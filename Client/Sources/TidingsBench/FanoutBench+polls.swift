import NIOCore

/// Setting up a fan-out: the users' cursors, then one waiting poll per user.
extension FanoutBench {
    /// A waiting poll: its connection and the future of its answer.
    struct WaitingPoll: Sendable {
        var connection: BenchConnection
        var answer: EventLoopFuture<BenchResponse>
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
}
