import ArgumentParser
import TidingsBench

/// `tidings-cli bench ingest`: creates per second.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Creates per second from concurrent clients (single- or many-recipient requests).",
        discussion: """
            Each client sends creates back to back on its own keep-alive connection. A request \
            is addressed to --recipients users taken in turn from a pool of --users \
            (PREFIX-0, PREFIX-1, …), so every user of the pool gets the same share. Stops after \
            --messages messages (default 100,000, rounded up to whole requests) or --duration \
            seconds, whichever comes first. Reports requests/s, messages/s and request latency.

            Examples:
              tidings-cli bench ingest --concurrency 32 --duration 20
              tidings-cli bench ingest --recipients 1000 --messages 1000000 --concurrency 4 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bench: BenchOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Concurrent clients (connections).", valueName: "n"))
    var concurrency = 32

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Messages to create (default 100000 unless --duration is given).", valueName: "n"))
    var messages: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Recipients per request (1-1000).", valueName: "n"))
    var recipients = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Users in the pool (default: 1000, or --recipients if larger).", valueName: "n"))
    var users: Int?

    @Option(help: "The channel.")
    var channel = "bench-ingest"

    @Option(help: ArgumentHelp("User ids are PREFIX-0, PREFIX-1, …", valueName: "prefix"))
    var prefix = "bench-ingest"

    func validate() throws {
        _ = try bench.target(global)
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard (1...1000).contains(recipients) else { throw ValidationError("--recipients must be between 1 and 1000") }
        if let messages, messages < 1 { throw ValidationError("--messages must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be more than 0 seconds") }
        if let users, users < recipients {
            throw ValidationError("--users must be at least --recipients (\(recipients)): recipients are distinct")
        }
    }

    func run() async throws {
        var ingest = IngestBench()
        ingest.channel = channel
        ingest.userPrefix = prefix
        ingest.recipientsPerRequest = recipients
        ingest.users = users ?? max(1000, recipients)
        ingest.clients = concurrency
        ingest.messages = messages ?? (duration == nil ? 100_000 : nil)
        ingest.duration = duration?.seconds
        let report = try await bench.run(global, connections: concurrency, purpose: "bench ingest") { [ingest] in
            try await ingest.run(on: $0)
        }
        try BenchReport.emit(
            report, json: global.json,
            lines: [
                "ingest: \(report.messages) messages in \(report.requests) requests of \(report.recipientsPerRequest) "
                    + "recipient\(report.recipientsPerRequest == 1 ? "" : "s") from \(report.clients) clients "
                    + "in \(BenchReport.secondsText(report.durationS))",
                "  \(BenchReport.rate(report.messagesPerS)) messages/s · \(BenchReport.rate(report.requestsPerS)) requests/s",
                "  request latency: \(BenchReport.latency(report.latency))",
            ])
        try BenchReport.failIf(BenchReport.failures(report.failures, of: "creates"))
    }
}
