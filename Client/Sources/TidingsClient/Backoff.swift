/// How long to wait before trying again: exponential growth from `initial`, capped at
/// `maximum`, with "equal jitter" (a random point in the upper half of the step), so a
/// crowd of clients spreads out after a server restart yet none hammers it.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(10), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
    }

    /// The wait before retry number `attempt` (1 for the first retry). A server's
    /// `Retry-After` (seconds) raises it, but never above `maximum`.
    public func delay(attempt: Int, retryAfter: Int? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, retryAfter: retryAfter, using: &generator)
    }

    /// `delay(attempt:retryAfter:)` with a given source of randomness (for tests).
    public func delay(attempt: Int, retryAfter: Int? = nil, using generator: inout some RandomNumberGenerator)
        -> Duration
    {
        let cap = Self.seconds(maximum)
        let step = min(cap, Self.seconds(initial) * pow(multiplier, max(attempt, 1) - 1))
        var wait = step / 2 + Double.random(in: 0...(step / 2), using: &generator)
        if let retryAfter { wait = max(wait, min(Double(retryAfter), cap)) }
        return .milliseconds(Int64((wait * 1000).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<min(exponent, 64)).reduce(1) { product, _ in product * base }
    }
}
