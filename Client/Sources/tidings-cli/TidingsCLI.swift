import ArgumentParser
import Foundation
import TidingsClient

/// `tidings-cli`: send, read, watch and mark feeds from a terminal.
///
/// Exit statuses: 0 success, 1 the server answered an error, 2 bad usage, 3 the server
/// could not be reached.
@main
struct TidingsCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings-cli",
        abstract: "A command-line client for the Tidings feed server.",
        discussion: """
            Global options (--url, --key, --token, --json) may stand before or after the \
            subcommand; each has an environment variable: TIDINGS_URL, TIDINGS_API_KEY, \
            TIDINGS_TOKEN. A flag beats a variable. Give --key or --token, not both; with \
            both variables set, TIDINGS_TOKEN wins (acting as that user). Exit status: 0 \
            success, 1 the server answered an error, 2 bad usage, 3 the server could not be \
            reached.

            Examples:
              export TIDINGS_API_KEY=sk_...
              tidings-cli send --channel in-app --to user-1 --markdown '**hi**'
              tidings-cli feed --user user-1
              tidings-cli --json feed --user user-1 --all | jq .id
              tidings-cli watch --user user-1
            """,
        subcommands: [
            Send.self, Feed.self, Watch.self, Mark.self, MarkAll.self, BulkStatus.self, Token.self, Bench.self,
        ])

    static func main() async {
        let arguments = ArgumentOrder.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(reporting: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            // Found while running (no credential, a short secret): name the subcommand's help.
            let name = type(of: command)._commandName
            Console.error("error: \(error.message)\nSee 'tidings-cli \(name) --help'.")
            Foundation.exit(ExitStatus.usage)
        } catch {
            exit(reporting: error)
        }
    }

    /// Reports `error` on stderr and exits with the status section 11 of API.md gives it.
    static func exit(reporting error: any Error) -> Never {
        switch error {
        case let failure as TidingsClientError:
            Console.error(failure.cliMessage)
            Foundation.exit(failure.exitStatus)
        case let code as ExitCode:
            Foundation.exit(code.rawValue)
        case is CancellationError:
            Foundation.exit(0)
        default:
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help, --version, --generate-completion-script
            }
            Console.error(fullMessage(for: error))
            Foundation.exit(ExitStatus.usage)
        }
    }
}
