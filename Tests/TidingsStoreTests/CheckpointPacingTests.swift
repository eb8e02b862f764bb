import Testing

@testable import TidingsStore

@Suite("When a WAL checkpoint starts")
struct CheckpointPacingTests {
    private let origin = ContinuousClock.now
    private func at(_ milliseconds: Int) -> ContinuousClock.Instant { origin + .milliseconds(milliseconds) }

    private func pacing() -> CheckpointPacing {
        CheckpointPacing(threshold: 1000, limit: 2000, quiet: .milliseconds(100), idle: .milliseconds(1000))
    }

    @Test("below the threshold the WAL is copied once the writer has been idle for the longer period")
    func belowThresholdWaitsForIdle() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 400, at: at(0)) == .checkAfter(.milliseconds(1000)))
        #expect(pacing.committed(frames: 999, at: at(300)) == .none)
        // A quiet of 100 ms is not enough for a WAL below the threshold.
        #expect(pacing.check(at: at(1000)) == .checkAfter(.milliseconds(300)))
        #expect(!pacing.running)
        #expect(pacing.check(at: at(1300)) == .start)
        #expect(pacing.running)
    }

    @Test("an empty WAL asks for nothing")
    func emptyWAL() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 0, at: at(0)) == .none)
        #expect(pacing.check(at: at(5000)) == .none)
        #expect(!pacing.running)
    }

    @Test("a burst past the threshold while the idle check is pending starts at that check if quiet by then")
    func burstDuringIdleWait() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 10, at: at(0)) == .checkAfter(.milliseconds(1000)))
        #expect(pacing.committed(frames: 1500, at: at(950)) == .none)
        // 50 ms after the burst's last commit: wait for the rest of the short quiet.
        #expect(pacing.check(at: at(1000)) == .checkAfter(.milliseconds(50)))
        #expect(pacing.check(at: at(1050)) == .start)
    }

    @Test("past the threshold the checkpoint waits until the writer has been quiet for the whole period")
    func waitsForQuiet() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 1000, at: at(0)) == .checkAfter(.milliseconds(100)))
        // More commits of the same burst ask for no second check.
        #expect(pacing.committed(frames: 1200, at: at(30)) == .none)
        #expect(pacing.committed(frames: 1400, at: at(70)) == .none)
        // At the check the last commit is 30 ms old: look again when it will be 100 ms old.
        #expect(pacing.check(at: at(100)) == .checkAfter(.milliseconds(70)))
        #expect(!pacing.running)
        #expect(pacing.check(at: at(170)) == .start)
        #expect(pacing.running)
    }

    @Test("past the limit the checkpoint starts at once, however busy the writer")
    func limitStartsAtOnce() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 1500, at: at(0)) == .checkAfter(.milliseconds(100)))
        #expect(pacing.committed(frames: 2000, at: at(10)) == .start)
        // The check already asked for finds the checkpoint started.
        #expect(pacing.check(at: at(100)) == .none)
    }

    @Test("one checkpoint at a time; after it, the next commit past the threshold starts the wait again")
    func oneAtATime() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 2500, at: at(0)) == .start)
        #expect(pacing.committed(frames: 2600, at: at(5)) == .none)
        #expect(pacing.committed(frames: 5000, at: at(6)) == .none)
        pacing.finished()
        #expect(!pacing.running)
        #expect(pacing.committed(frames: 1100, at: at(20)) == .checkAfter(.milliseconds(100)))
        #expect(pacing.check(at: at(120)) == .start)
    }
}
