import ArgumentParser
import TidingsAPI
import TidingsClient

/// `tidings-cli bulk-status`: a bulk operation's progress.
struct BulkStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk-status",
        abstract: "Show a bulk operation's status and progress.",
        discussion: """
            Examples:
              tidings-cli bulk-status bulk_0Ab3dE5fG7h1
              tidings-cli bulk-status bulk_0Ab3dE5fG7h1 --json | jq .status
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The bulk operation's id.", valueName: "id"))
    var id: String

    func run() async throws {
        let operation = try await global.makeClient().bulkOperation(id: id)
        try Self.print(operation, json: global.json)
    }

    static func print(_ operation: BulkOperation, json: Bool) throws {
        if json { try Console.json(operation) } else { Console.line(HumanFormat().bulk(operation)) }
    }
}
