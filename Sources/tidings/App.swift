import ArgumentParser
import Foundation

/// The `tidings` executable: `tidings serve` runs the feed server.
@main
struct TidingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Tidings: a self-hosted in-app notification feed server.",
        subcommands: [Serve.self])

    /// Runs the command; a bad flag or value is a one-line error and exit status 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                exit(withError: error)  // --help, --version
            }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("tidings: \(message)\n".utf8))
            Foundation.exit(2)
        }
    }
}
