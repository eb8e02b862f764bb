import ArgumentParser
import TidingsAPI
import TidingsClient

/// `tidings-cli mark-all`: mark everything in a user's feed seen, read or archived.
struct MarkAll: AsyncParsableCommand {
    /// The actions "mark all" offers.
    enum Action: String, CaseIterable, ExpressibleByArgument {
        case seen, read, archived
        var engagement: EngagementAction {
            switch self {
            case .seen: .seen
            case .read: .read
            case .archived: .archived
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "mark-all",
        abstract: "Mark all of a user's feed seen, read or archived (a bulk operation).",
        discussion: """
            Works with a secret key or with that user's token. Prints the bulk operation; \
            a large one may still be running when the server answers: --wait follows it \
            to the end, or ask later with 'tidings-cli bulk-status ID'.

            Examples:
              tidings-cli mark-all read --user user-1
              tidings-cli mark-all archived --user user-1 --channel web --wait --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "seen, read or archived.")
    var action: Action

    @Option(help: "The user whose feed to mark.")
    var user: String

    @Option(help: "The channel.")
    var channel = "in-app"

    @Flag(help: "If the operation continues in the background, wait until it finishes.")
    var wait = false

    func run() async throws {
        let client = try global.makeClient()
        var operation = try await client.bulk(
            action.engagement, channel: channel, filter: BulkRequest(userIDs: [user]))
        while wait, operation.status == .queued || operation.status == .processing {
            // The server offers no way to wait on an operation, so this asks twice a second.
            try await Task.sleep(for: .milliseconds(500))
            operation = try await client.bulkOperation(id: operation.id)
        }
        try BulkStatus.print(operation, json: global.json)
    }
}
