import Logging
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// Tells systemd how the server is doing: a `STATUS=` line every few seconds, and
/// `WATCHDOG=1` at half the watchdog interval — but only after a database read answered
/// in time, so a wedged server stops pinging and systemd restarts it.
struct SystemdWatchdog: Service {
    let database: AppDatabase
    let hub: UpdateHub
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        let watchdog = Systemd.watchdogInterval
        let period = watchdog.map { $0 / 2 } ?? .seconds(10)
        var lastRequests = metrics.requestCount
        var lastTime = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let healthy = await database.isUsable()
            if healthy, watchdog != nil { Systemd.notify("WATCHDOG=1") }
            let now = ContinuousClock.now
            let requests = metrics.requestCount
            let seconds = Double((now - lastTime).components.seconds) + Double((now - lastTime).components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(requests - lastRequests) / seconds : 0
            Systemd.notify("STATUS=\(hub.openPolls) open polls, \(Int(rate.rounded())) requests/s\(healthy ? "" : ", database not answering")")
            (lastRequests, lastTime) = (requests, now)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}

/// The first service told of shutdown: stops readiness, tells systemd, and answers every
/// waiting poll, before the HTTP server drains and the database closes.
struct ShutdownCoordinator: Service {
    let readiness: Readiness
    let hub: UpdateHub
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        readiness.set(false)
        Systemd.notify("STOPPING=1")
        logger.info("shutting down: answering \(hub.openPolls) waiting polls")
        hub.shutdown()
    }
}
