import ArgumentParser
import TidingsAPI
import TidingsClient

/// `tidings-cli watch`: follow a feed's update stream and print each event as it arrives.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a feed's events as they happen (long polling).",
        discussion: """
            Never loses or repeats an event: after a network error or a server restart it \
            retries with exponential backoff and jitter and resumes from its last cursor \
            (saying so on stderr); if the cursor has expired it reloads the feed, without \
            marking anything seen, and continues from there. With --json, each event is one \
            line: {"id", "type", "inserted_at", "message" | "bulk"}. Ctrl-C stops it (status 0).

            Examples:
              tidings-cli watch --user user-1
              tidings-cli watch --user user-1 --channel web --json | jq .type
              tidings-cli watch --user user-1 --since CURSOR --count 1
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The user whose feed to watch.")
    var user: String

    @Option(help: "The channel.")
    var channel = "in-app"

    @Option(
        help: ArgumentHelp("Start after this cursor (a feed's meta.updates_cursor); default: now.", valueName: "cursor")
    )
    var since: String?

    @Option(help: ArgumentHelp("Exit after this many events.", valueName: "n"))
    var count: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds each poll waits on the server for an event (\(FeedWatcher.pollTimeouts.lowerBound)-"
                + "\(FeedWatcher.pollTimeouts.upperBound)).", valueName: "seconds"))
    var pollTimeout = 25

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        let range = FeedWatcher.pollTimeouts
        guard range.contains(pollTimeout) else {
            throw ValidationError("--poll-timeout must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    func run() async throws {
        let watcher = FeedWatcher(
            client: try global.makeClient(), user: user, channel: channel, since: since, pollTimeout: pollTimeout)
        let json = global.json
        let limit = count
        let task = Task { try await Self.follow(watcher, json: json, limit: limit) }
        let interrupts = Interrupts(cancelling: task)
        defer { interrupts.stop() }
        if Console.stderrIsTerminal { Console.error("watching \(user) on \(channel); Ctrl-C to stop") }
        try await task.value
    }

    /// Prints updates until `limit` events have been printed, the watcher fails, or the
    /// task is cancelled.
    static func follow(_ watcher: FeedWatcher, json: Bool, limit: Int?) async throws {
        let format = HumanFormat()
        var printed = 0
        for try await update in watcher {
            switch update {
            case .event(let event):
                if json { try Console.json(event) } else { Console.line(format.event(event)) }
                printed += 1
                if let limit, printed >= limit { return }
            case .retrying(let attempt, let delay, let error):
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                let wait = (seconds * 10).rounded() / 10
                Console.error("watch: \(Self.reason(error)); retrying in \(wait)s (attempt \(attempt))")
            case .reconnected:
                Console.error("watch: reconnected; resuming from the last cursor")
            case .resynced(let page):
                Console.error(
                    "watch: the cursor had expired; reloaded the feed (\(page.meta.totalCount) messages, "
                        + "\(page.meta.unreadCount) unread) and continuing from now")
            }
        }
    }

    private static func reason(_ error: TidingsClientError) -> String {
        switch error {
        case .unreachable(let reason): "cannot reach the server (\(reason))"
        case .server(let status, let code, _, _): "the server answered \(status) \(code)"
        default: "\(error)"
        }
    }
}
