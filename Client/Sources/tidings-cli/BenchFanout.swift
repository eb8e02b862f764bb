import ArgumentParser
import TidingsBench

/// `tidings-cli bench fanout`: many waiting polls, creates addressed to all of them.
struct BenchFanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Time from a create to the answers of many waiting long polls, and lost answers.",
        discussion: """
            First the single-poll case: one waiting poll, one create for its user, the time \
            from writing the create to the poll's answer, --single times. Then the fan-out: \
            reads each of --polls users' current cursor (PREFIX-0, PREFIX-1, …), opens one \
            poll per user on its own connection (timeout=60), waits until the server's \
            /metrics gauge tidings_open_polls counts them all, and writes the creates \
            addressed to all of them (--recipients per request) at once. Latency is from \
            writing the first create to each answer's last byte; a poll not answered with an \
            event within --deadline seconds is lost.

            Needs one file descriptor per poll: the soft limit is raised to the hard limit, \
            and a limit still too low is an error (status 2). The server needs as many, and \
            --max-polls at least --polls.

            Examples:
              tidings-cli bench fanout --polls 10000
              tidings-cli bench fanout --polls 1000 --single 0 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bench: BenchOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Waiting polls, one per distinct user.", valueName: "n"))
    var polls = 10_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Recipients per create (1-1000).", valueName: "n"))
    var recipients = 1000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds after the first create before a poll counts as lost (max 55).", valueName: "s"))
    var deadline = 30.0

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Repetitions of the single-poll case (0: skip it).", valueName: "n")
    )
    var single = 300

    @Option(help: "The channel.")
    var channel = "bench-fanout"

    @Option(
        help: ArgumentHelp(
            "User ids are PREFIX-0, PREFIX-1, …; the single poll's is PREFIX-single.", valueName: "prefix"))
    var prefix = "bench-fan"

    @Option(parsing: .unconditional, help: ArgumentHelp("Connections being opened at once.", valueName: "n"))
    var connectConcurrency = 256

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds to wait for the gauge to count every poll.", valueName: "s"))
    var gaugeTimeout = 120.0

    func validate() throws {
        _ = try bench.target(global)
        guard polls >= 1 else { throw ValidationError("--polls must be at least 1") }
        guard (1...1000).contains(recipients) else { throw ValidationError("--recipients must be between 1 and 1000") }
        guard deadline > 0, deadline <= 55 else {
            throw ValidationError("--deadline must be more than 0 and at most 55")
        }
        guard single >= 0 else { throw ValidationError("--single must not be negative") }
        guard connectConcurrency >= 1 else { throw ValidationError("--connect-concurrency must be at least 1") }
        guard gaugeTimeout > 0 else { throw ValidationError("--gauge-timeout must be more than 0") }
    }

    func run() async throws {
        var fanout = FanoutBench()
        fanout.polls = polls
        fanout.recipientsPerRequest = recipients
        fanout.channel = channel
        fanout.userPrefix = prefix
        fanout.deadline = deadline.seconds
        fanout.connectConcurrency = connectConcurrency
        fanout.gaugeTimeout = gaugeTimeout.seconds
        fanout.single.user = "\(prefix)-single"
        fanout.single.channel = channel
        fanout.single.repetitions = single
        fanout.single.deadline = deadline.seconds
        let creates = (polls + recipients - 1) / recipients
        let report = try await bench.run(global, connections: polls + creates + 32, purpose: "bench fanout") {
            [fanout] in try await fanout.run(on: $0)
        }
        var lines = [String]()
        if let single = report.single {
            lines.append(
                "single poll: \(single.repetitions) × create → answer: \(BenchReport.latency(single.latency)) "
                    + "(lost \(single.lost))")
        }
        let reasons = report.lostByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines += [
            "fanout: \(report.polls) polls on \(report.polls) users, \(report.creates) "
                + "create\(report.creates == 1 ? "" : "s") of up to \(report.recipientsPerRequest) recipients",
            "  answered \(report.answered), lost \(report.lost)"
                + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))")
                + " within \(BenchReport.secondsText(report.deadlineS))",
            "  answer after the first create: first \(BenchReport.ms(report.latency.minMs)) · "
                + "\(BenchReport.latency(report.latency))",
            "  creates: \(BenchReport.latency(report.createLatency))",
            "  setup: cursors \(BenchReport.secondsText(report.setup.cursorsS)), polls opened in "
                + "\(BenchReport.secondsText(report.setup.openS)), all counted by the gauge "
                + "\(BenchReport.secondsText(report.setup.gaugeWaitS)) later",
        ]
        try BenchReport.emit(report, json: global.json, lines: lines)
        var problems = [String]()
        if report.lost > 0 { problems.append("\(report.lost) of \(report.polls) polls lost") }
        if let single = report.single, single.lost > 0 {
            problems.append("\(single.lost) of \(single.repetitions) single polls lost")
        }
        try BenchReport.failIf(problems)
    }
}
