import ArgumentParser
import TidingsBench

/// `tidings-cli bench feed`: feed reads per second on a big feed.
struct BenchFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Feed reads per second and their latency on a pre-filled feed.",
        discussion: """
            Reads the newest page (with counts) of one user's feed back to back from \
            --connections keep-alive clients, with mark_seen=false unless --mark-seen is \
            given (then only the first reads find unseen entries to mark). First tops the \
            feed up to --messages messages with single-recipient creates, unless --no-fill. \
            Runs for --duration seconds (default 10) or --requests reads.

            Examples:
              tidings-cli bench feed --messages 100000 --duration 10
              tidings-cli bench feed --messages 1000 --user small-feed --mark-seen --json
              tidings-cli bench feed --no-fill --user bench-feed --requests 50000
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bench: BenchOptions

    @Option(help: "The user whose feed is read.")
    var user = "bench-feed"

    @Option(help: "The channel.")
    var channel = "bench-feed"

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Messages the feed holds (created if missing).", valueName: "n"))
    var messages = 100_000

    @Flag(inversion: .prefixedNo, help: "Top the feed up to --messages first (the default).")
    var fill = true

    @Flag(help: "Read with mark_seen=true, as a frontend does (default: mark_seen=false).")
    var markSeen = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Concurrent readers (connections).", valueName: "n"))
    var connections = 8

    @Option(parsing: .unconditional, help: ArgumentHelp("Entries a page (1-50).", valueName: "n"))
    var pageSize = 50

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Read for this many seconds (default 10 unless --requests).", valueName: "seconds"))
    var duration: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after this many reads.", valueName: "n"))
    var requests: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Concurrent clients that fill the feed.", valueName: "n"))
    var fillConcurrency = 32

    func validate() throws {
        _ = try bench.target(global)
        guard messages >= 0 else { throw ValidationError("--messages must not be negative") }
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard fillConcurrency >= 1 else { throw ValidationError("--fill-concurrency must be at least 1") }
        guard (1...50).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 50") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be more than 0 seconds") }
    }

    func run() async throws {
        var feed = FeedBench()
        feed.user = user
        feed.channel = channel
        feed.messages = messages
        feed.fill = fill
        feed.fillClients = fillConcurrency
        feed.clients = connections
        feed.pageSize = pageSize
        feed.markSeen = markSeen
        feed.requests = requests
        feed.duration = (duration ?? (requests == nil ? 10 : nil))?.seconds
        let report = try await bench.run(
            global, connections: max(connections, fillConcurrency), purpose: "bench feed"
        ) { [feed] in try await feed.run(on: $0) }
        var lines = [String]()
        if report.fill.created > 0 {
            lines.append(
                "fill: created \(report.fill.created) messages in \(BenchReport.secondsText(report.fill.durationS)) "
                    + "(\(BenchReport.rate(report.fill.messagesPerS))/s)")
        }
        lines += [
            "feed: \(report.reads) reads of \(report.pageSize) entries from a \(report.feedMessages)-message feed, "
                + "mark_seen=\(report.markSeen), \(report.clients) connections, "
                + "\(BenchReport.secondsText(report.durationS))",
            "  \(BenchReport.rate(report.readsPerS)) reads/s",
            "  read latency: \(BenchReport.latency(report.latency))",
        ]
        try BenchReport.emit(report, json: global.json, lines: lines)
        try BenchReport.failIf(BenchReport.failures(report.failures, of: "reads"))
    }
}
