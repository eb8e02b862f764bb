import NIOCore

/// The server's `tidings_open_polls` gauge, read from `GET /metrics` on its own connection:
/// how a benchmark knows its polls are all waiting before it publishes (no fixed sleeps).
public final class OpenPollsGauge {
    private let connection: ConnectionSlot
    private let path: String

    public init(generator: LoadGenerator) {
        connection = ConnectionSlot(generator: generator)
        path = generator.target.metricsPath
    }

    /// The gauge's current value.
    public func read() async throws -> Int {
        let response = try await connection.expectSuccess(BenchRequest(.GET, path, timeout: .seconds(30)))
        guard let value = Self.parse(String(buffer: response.body)) else {
            throw BenchFailure.setup("the server's /metrics has no tidings_open_polls gauge")
        }
        return value
    }

    /// Asks until the gauge is at least `target`, every `interval`; returns how long that took.
    /// `abort` is asked each time and ends the wait with its reason (polls answered early).
    public func wait(
        until target: Int, timeout: TimeAmount, interval: TimeAmount = .milliseconds(5),
        abort: () -> String? = { nil }
    ) async throws -> TimeAmount {
        try await wait(for: "\(target)", timeout: timeout, interval: interval, abort: abort, reached: { $0 >= target })
    }

    /// Asks until the gauge is at most `target` (earlier polls have ended).
    public func wait(atMost target: Int, timeout: TimeAmount, interval: TimeAmount = .milliseconds(5)) async throws {
        _ = try await wait(
            for: "at most \(target)", timeout: timeout, interval: interval, abort: { nil }, reached: { $0 <= target })
    }

    private func wait(
        for wanted: String, timeout: TimeAmount, interval: TimeAmount, abort: () -> String?,
        reached: (Int) -> Bool
    ) async throws -> TimeAmount {
        let start = NIODeadline.now()
        var last = 0
        while true {
            last = try await read()
            if reached(last) { return NIODeadline.now() - start }
            if let reason = abort() { throw BenchFailure.setup(reason) }
            if NIODeadline.now() - start > timeout {
                throw BenchFailure.setup(
                    "the server reports \(last) open polls, not \(wanted), after \(seconds(timeout)) s")
            }
            try await Task.sleep(nanoseconds: UInt64(interval.nanoseconds))
        }
    }

    public func close() { connection.close() }

    /// The value of `tidings_open_polls` in a Prometheus text exposition.
    public static func parse(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("tidings_open_polls") {
            let name = line.prefix { $0 != " " && $0 != "{" }
            guard name == "tidings_open_polls" else { continue }
            var rest = line.dropFirst(name.count)
            if rest.first == "{", let close = rest.firstIndex(of: "}") { rest = rest[rest.index(after: close)...] }
            guard let value = rest.split(separator: " ").first.flatMap({ Double($0) }) else { continue }
            return Int(value)
        }
        return nil
    }
}
