import Histogram
import NIOCore

/// Latencies in microseconds, kept in an HdrHistogram (three significant digits,
/// growing as needed), so a million samples cost a few kilobytes.
public struct LatencyRecorder: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    public init() {}

    public var count: Int { Int(histogram.totalCount) }

    public mutating func record(_ amount: TimeAmount) {
        histogram.record(UInt64(max(0, amount.nanoseconds / 1000)))
    }

    public mutating func merge(_ other: LatencyRecorder) { histogram.add(other.histogram) }

    /// Median, p90, p99, p99.9 and the extremes, in milliseconds.
    public var summary: LatencySummary {
        func ms(_ micros: UInt64) -> Double { Double(micros) / 1000 }
        guard histogram.totalCount > 0 else { return LatencySummary() }
        return LatencySummary(
            count: count, minMs: ms(histogram.min), medianMs: ms(histogram.valueAtPercentile(50)),
            p90Ms: ms(histogram.valueAtPercentile(90)), p99Ms: ms(histogram.valueAtPercentile(99)),
            p999Ms: ms(histogram.valueAtPercentile(99.9)), maxMs: ms(histogram.maxRecorded),
            meanMs: histogram.mean.rounded() / 1000)
    }
}

/// The figures of a latency distribution, in milliseconds (microsecond resolution);
/// all zero when nothing was recorded. Percentiles never exceed `max_ms`.
public struct LatencySummary: Codable, Sendable, Hashable {
    public var count = 0
    public var minMs = 0.0
    public var medianMs = 0.0
    public var p90Ms = 0.0
    public var p99Ms = 0.0
    public var p999Ms = 0.0
    public var maxMs = 0.0
    public var meanMs = 0.0

    enum CodingKeys: String, CodingKey {
        case count
        case minMs = "min_ms"
        case medianMs = "median_ms"
        case p90Ms = "p90_ms"
        case p99Ms = "p99_ms"
        case p999Ms = "p99_9_ms"
        case maxMs = "max_ms"
        case meanMs = "mean_ms"
    }
}
