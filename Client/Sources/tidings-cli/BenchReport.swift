import ArgumentParser
import Foundation
import TidingsBench

/// Prints a benchmark's report: the JSON object with `--json`, else lines for people; then
/// the exit status says whether anything failed.
enum BenchReport {
    static func emit(_ report: some Encodable, json: Bool, lines: [String]) throws {
        if json {
            try Console.json(report)
        } else {
            for line in lines { Console.line(line) }
        }
    }

    /// Exits 1, after saying why on stderr, when any request failed or any poll was lost.
    static func failIf(_ problems: [String]) throws {
        guard !problems.isEmpty else { return }
        for problem in problems { Console.error("error: \(problem)") }
        throw ExitCode(ExitStatus.serverError)
    }

    /// `"3 requests failed (http 503: 3); first: …"`, or nothing.
    static func failures(_ tally: FailureTally, of what: String) -> [String] {
        guard tally.count > 0 else { return [] }
        let kinds = tally.byKind.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return ["\(tally.count) \(what) failed (\(kinds)); first: \(tally.first ?? "?")"]
    }

    /// `median 1.23 ms · p99 4.56 ms · max 7.89 ms`.
    static func latency(_ summary: LatencySummary) -> String {
        guard summary.count > 0 else { return "no samples" }
        return "median \(ms(summary.medianMs)) · p90 \(ms(summary.p90Ms)) · p99 \(ms(summary.p99Ms)) · "
            + "max \(ms(summary.maxMs))"
    }

    static func ms(_ value: Double) -> String { String(format: value < 10 ? "%.2f ms" : "%.1f ms", value) }

    static func rate(_ value: Double) -> String { String(format: "%.0f", value) }

    static func secondsText(_ value: Double) -> String { String(format: "%.2f s", value) }
}
