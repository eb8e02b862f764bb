import ArgumentParser
import Foundation
import Logging
import TidingsServer

/// `tidings serve`: flags, each with an environment variable; a flag beats its variable.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the feed server.",
        discussion: """
            Every flag has an environment variable: TIDINGS_HOST, TIDINGS_PORT, TIDINGS_DATA_DIR,
            TIDINGS_API_KEYS (comma-separated, added to --api-key), TIDINGS_SIGNING_SECRET,
            TIDINGS_MAX_POLLS_PER_USER, TIDINGS_MAX_POLLS, TIDINGS_LOG_LEVEL, TIDINGS_UPDATES_RETENTION_HOURS,
            TIDINGS_UPDATES_MAX_PER_FEED, TIDINGS_REQUEST_TIMEOUT, TIDINGS_CORS_ORIGINS (comma-separated, added
            to --cors-origin).
            With no key and no signing secret configured, the first start generates both into
            <data-dir>/credentials.json (mode 0600).
            """)

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (default 8080).") var port: String?
    @Option(help: "Directory of the database (default $STATE_DIRECTORY, else ./data).") var dataDir: String?
    @Option(help: "A secret API key; repeat for several.") var apiKey: [String] = []
    @Option(help: "Secret (at least 32 bytes) that signs user tokens.") var signingSecret: String?
    @Option(help: "Open long polls allowed per user (default 16).") var maxPollsPerUser: String?
    @Option(help: "Open long polls allowed in all (default 10000).") var maxPolls: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).") var logLevel: String?
    @Option(help: "Hours the update stream keeps entries (default 72).") var updatesRetentionHours: String?
    @Option(help: "Update-stream entries kept per feed (default 10000).") var updatesMaxPerFeed: String?
    @Option(help: "Seconds a client has to send a whole request (default 20).") var requestTimeout: String?
    @Option(help: "A browser origin allowed to call the API (CORS), e.g. https://app.example.com, or * for any; repeat for several (default: none).")
    var corsOrigin: [String] = []

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ConfigurationResolver(environment: ProcessInfo.processInfo.environment).resolve(self)
        } catch {
            throw ValidationError(error.message)
        }
        try await ServerRunner(configuration: configuration).run()
    }
}
