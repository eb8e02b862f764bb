import Testing
import TidingsClient

/// SplitMix64: a small seeded generator, so jittered delays repeat from run to run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Backoff")
struct BackoffTests {
    let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))

    @Test("grows exponentially, with jitter in the upper half of each step")
    func grows() {
        var random = SeededRandom(state: 42)
        for _ in 0..<200 {
            let first = backoff.delay(attempt: 1, using: &random)
            #expect(first >= .milliseconds(100) && first <= .milliseconds(200))
            let third = backoff.delay(attempt: 3, using: &random)
            #expect(third >= .milliseconds(400) && third <= .milliseconds(800))
        }
    }

    @Test("never exceeds the maximum, however many attempts")
    func capped() {
        for attempt in [6, 10, 100, 10_000] {
            let delay = backoff.delay(attempt: attempt)
            #expect(delay <= .seconds(5))
            #expect(delay >= .milliseconds(2500))
        }
    }

    @Test("Retry-After raises the wait, up to the maximum")
    func retryAfter() {
        #expect(backoff.delay(attempt: 1, retryAfter: 2) == .seconds(2))
        #expect(backoff.delay(attempt: 1, retryAfter: 120) == .seconds(5))
    }

    @Test("jitter spreads clients out")
    func spreads() {
        let delays = Set((0..<20).map { _ in backoff.delay(attempt: 4) })
        #expect(delays.count > 1)
    }
}
