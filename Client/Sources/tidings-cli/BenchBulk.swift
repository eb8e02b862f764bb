import ArgumentParser
import TidingsBench

/// `tidings-cli bench bulk`: read latency while a big mark-all-read runs.
struct BenchBulk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: "Feed-read latency during a big mark-all-read, and the bulk's rows per second.",
        discussion: """
            Tops the user's unread messages up to --messages, starts --readers clients \
            reading a feed in a loop (the bulk's user's, or --read-user's; mark_seen=false), \
            lets them read --baseline seconds, then marks all of the user's feed read \
            (POST /v1/channels/CHANNEL/messages/bulk/read with user_ids [USER]) and follows \
            the operation (GET /v1/bulk_operations/ID every 10 ms if the server answered 202) \
            until it completed. Reports the latency of the reads that overlapped the bulk and \
            of those before it, the bulk's duration, rows and rows/s, and the unread count after.

            Examples:
              tidings-cli bench bulk --messages 100000 --readers 4
              tidings-cli bench bulk --messages 2000 --baseline 0 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bench: BenchOptions

    @Option(help: "The user whose feed is marked read.")
    var user = "bench-bulk"

    @Option(help: "The channel.")
    var channel = "bench-bulk"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Unread messages the user has when the bulk starts.", valueName: "n"))
    var messages = 100_000

    @Flag(inversion: .prefixedNo, help: "Create the missing unread messages first (the default).")
    var fill = true

    @Option(parsing: .unconditional, help: ArgumentHelp("Clients reading feeds during the bulk.", valueName: "n"))
    var readers = 4

    @Option(help: ArgumentHelp("Whose feed the readers read (default: --user's).", valueName: "user"))
    var readUser: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds of reads before the bulk starts.", valueName: "s"))
    var baseline = 2.0

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds the bulk may take.", valueName: "s"))
    var bulkTimeout = 600.0

    @Option(parsing: .unconditional, help: ArgumentHelp("Concurrent clients that fill the feed.", valueName: "n"))
    var fillConcurrency = 32

    func validate() throws {
        _ = try bench.target(global)
        guard messages >= 0 else { throw ValidationError("--messages must not be negative") }
        guard readers >= 1 else { throw ValidationError("--readers must be at least 1") }
        guard baseline >= 0 else { throw ValidationError("--baseline must not be negative") }
        guard bulkTimeout > 0 else { throw ValidationError("--bulk-timeout must be more than 0") }
        guard fillConcurrency >= 1 else { throw ValidationError("--fill-concurrency must be at least 1") }
    }

    func run() async throws {
        var bulk = BulkBench()
        bulk.user = user
        bulk.channel = channel
        bulk.messages = messages
        bulk.fill = fill
        bulk.fillClients = fillConcurrency
        bulk.readers = readers
        bulk.readUser = readUser
        bulk.baseline = baseline.seconds
        bulk.bulkTimeout = bulkTimeout.seconds
        let report = try await bench.run(
            global, connections: max(readers, fillConcurrency) + 4, purpose: "bench bulk"
        ) { [bulk] in try await bulk.run(on: $0) }
        var lines = [String]()
        if report.fill.created > 0 {
            lines.append(
                "fill: created \(report.fill.created) messages in \(BenchReport.secondsText(report.fill.durationS)) "
                    + "(\(BenchReport.rate(report.fill.messagesPerS))/s)")
        }
        lines += [
            "bulk: mark-all-read of \(report.user) (\(report.unreadBefore) unread): \(report.bulk.status) "
                + "(HTTP \(report.bulk.httpStatus)), \(report.bulk.processedRows) rows in "
                + "\(BenchReport.secondsText(report.bulk.durationS)) (\(BenchReport.rate(report.bulk.rowsPerS)) rows/s); "
                + "unread after: \(report.unreadAfter)",
            "  \(report.readsDuring.count) reads during the bulk (\(report.readers) readers of \(report.readUser)): "
                + BenchReport.latency(report.readsDuring),
            "  \(report.readsBaseline.count) reads before it: \(BenchReport.latency(report.readsBaseline))",
        ]
        try BenchReport.emit(report, json: global.json, lines: lines)
        var problems = BenchReport.failures(report.readFailures, of: "reads")
        if report.bulk.status != "completed" { problems.append("the bulk operation ended \(report.bulk.status)") }
        try BenchReport.failIf(problems)
    }
}
