import ArgumentParser

/// `tidings-cli`: send, read, watch and mark feeds from a terminal.
@main
struct TidingsCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings-cli", abstract: "A command-line client for the Tidings feed server.")

    func run() async throws {
        print(Self.helpMessage())
    }
}
