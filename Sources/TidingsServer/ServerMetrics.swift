import CoreMetrics
import Prometheus
import Synchronization
import TidingsCore

/// The server's metrics, kept in its own Prometheus registry (no global bootstrap, so
/// several servers can live in one test process) and written through swift-metrics.
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let hub: UpdateHub
    private let requests = Atomic<Int>(0)

    /// Requests answered since start (for the systemd status line).
    var requestCount: Int { requests.load(ordering: .relaxed) }

    init(hub: UpdateHub) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(5), .seconds(30), .seconds(60),
        ]
        self.factory = factory
        self.hub = hub
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        requests.add(1, ordering: .relaxed)
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "tidings_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "tidings_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    func messagesCreated(_ count: Int) {
        Counter(label: "tidings_messages_created_total", factory: factory).increment(by: count)
    }

    func engagementChanged(_ action: String, count: Int) {
        Counter(label: "tidings_engagement_changes_total", dimensions: [("action", action)], factory: factory)
            .increment(by: count)
    }

    func bulkRowsProcessed(_ action: String, count: Int) {
        Counter(label: "tidings_bulk_rows_processed_total", dimensions: [("action", action)], factory: factory)
            .increment(by: count)
    }

    func transaction(_ name: String, duration: Duration) {
        Timer(label: "tidings_db_transaction_duration_seconds", dimensions: [("operation", name)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// The Prometheus text exposition, with gauges read at scrape time.
    func exposition() -> [UInt8] {
        // Polls that have read their feed and waited, until they are answered: a load tool
        // that waits for N can publish knowing no poll is still reading its first answer.
        Gauge(label: "tidings_open_polls", factory: factory).record(hub.waitingPolls)
        return registry.emitToBuffer()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
