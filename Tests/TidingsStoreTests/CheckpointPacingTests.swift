import Testing

@testable import TidingsStore

@Suite("When a WAL checkpoint starts")
struct CheckpointPacingTests {
    private let origin = ContinuousClock.now
    private func at(_ milliseconds: Int) -> ContinuousClock.Instant { origin + .milliseconds(milliseconds) }

    private func pacing() -> CheckpointPacing {
        CheckpointPacing(threshold: 1000, limit: 2000, quiet: .milliseconds(100))
    }

    @Test("below the threshold a commit asks for nothing")
    func belowThreshold() {
        var pacing = pacing()
        #expect(pacing.committed(frames: 999, at: at(0)) == .none)
        #expect(pacing.check(at: at(500)) == .none)
        #expect(!pacing.running)
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
