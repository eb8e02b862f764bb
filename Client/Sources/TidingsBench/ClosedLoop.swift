import NIOCore
import Synchronization

/// A number of keep-alive clients that each send their next request as soon as the
/// previous answer is in (a closed loop), until a request count, a duration or a stop
/// signal ends the run. A client whose connection breaks reconnects; after three failed
/// requests in a row it gives up (the server is gone).
public struct ClosedLoop: Sendable {
    /// When a run ends: whichever limit comes first. With none, `stop` must be set.
    public struct Limit: Sendable {
        public var requests: Int?
        public var duration: TimeAmount?
        public var stop: StopSignal?

        public init(requests: Int? = nil, duration: TimeAmount? = nil, stop: StopSignal? = nil) {
            self.requests = requests
            self.duration = duration
            self.stop = stop
        }
    }

    /// One answered request's times, kept when the run is asked to keep them.
    public struct Sample: Sendable {
        public var sentAt: NIODeadline
        public var receivedAt: NIODeadline
    }

    /// What a run measured.
    public struct Outcome: Sendable {
        public var latency = LatencyRecorder()
        public var succeeded = 0
        public var failures = FailureTally()
        /// From the moment every client was connected to the last answer.
        public var elapsed = TimeAmount.zero
        public var samples = [Sample]()

        mutating func merge(_ other: Outcome) {
            latency.merge(other.latency)
            succeeded += other.succeeded
            failures.merge(other.failures)
            samples += other.samples
        }

        /// Successful requests per second.
        public var rate: Double { elapsed > .zero ? Double(succeeded) / seconds(elapsed) : 0 }
    }

    public let generator: LoadGenerator
    public let clients: Int
    public let limit: Limit
    public var keepSamples = false

    public init(generator: LoadGenerator, clients: Int, limit: Limit) {
        self.generator = generator
        self.clients = clients
        self.limit = limit
    }

    /// Runs the loop. `request(i)` makes the i-th request (0, 1, 2… across all clients);
    /// `accept(i, answer)` sees each `2xx` answer and may reject it as a failure (a reason)
    /// or take what it needs from it (nil).
    public func run(
        request: @escaping @Sendable (Int) -> BenchRequest,
        accept: @escaping @Sendable (Int, BenchResponse) -> String? = { _, _ in nil }
    ) async throws -> Outcome {
        let connections = try await generator.connect(count: clients)
        let next = Counter()
        let start = NIODeadline.now()
        let end = limit.duration.map { start + $0 }
        var total = Outcome()
        await withTaskGroup(of: Outcome.self) { group in
            for connection in connections {
                group.addTask {
                    await self.client(connection, next: next, end: end, request: request, accept: accept)
                }
            }
            for await outcome in group { total.merge(outcome) }
        }
        total.elapsed = NIODeadline.now() - start
        return total
    }

    private func client(
        _ first: BenchConnection, next: Counter, end: NIODeadline?,
        request: @Sendable (Int) -> BenchRequest, accept: @Sendable (Int, BenchResponse) -> String?
    ) async -> Outcome {
        var outcome = Outcome()
        let connection = ConnectionSlot(generator: generator, connection: first)
        defer { connection.close() }
        var failuresInARow = 0
        while failuresInARow < 3 {
            if let stop = limit.stop, stop.isSet { break }
            if let end, NIODeadline.now() >= end { break }
            let index = next.take()
            if let requests = limit.requests, index >= requests { break }
            do {
                let response = try await connection.send(request(index))
                if !response.isSuccess {
                    outcome.failures.add(response)
                    failuresInARow += 1
                } else if let reason = accept(index, response) {
                    outcome.failures.add(kind: "rejected", reason: reason)
                    failuresInARow += 1
                } else {
                    outcome.latency.record(response.latency)
                    outcome.succeeded += 1
                    failuresInARow = 0
                    if keepSamples {
                        outcome.samples.append(Sample(sentAt: response.sentAt, receivedAt: response.receivedAt))
                    }
                }
            } catch {
                outcome.failures.add(error)
                failuresInARow += 1
            }
        }
        return outcome
    }
}

/// A flag that tells running clients to stop after their current request.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }
}

/// A shared sequence number: each `take()` returns the next integer from 0.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
    var current: Int { value.load(ordering: .relaxed) }
}

/// `amount` in seconds, to the microsecond.
public func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds / 1000) / 1e6 }

extension Double {
    /// A rate for a report: one decimal is all the precision a shared machine gives.
    var rate: Double { (self * 10).rounded() / 10 }
}
