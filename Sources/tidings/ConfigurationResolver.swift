import Logging
import TidingsServer

/// A configuration value that cannot be used, said in one line.
struct ConfigurationError: Error {
    let message: String
}

/// Combines flags, environment variables and defaults into a checked configuration.
struct ConfigurationResolver {
    let environment: [String: String]

    func resolve(_ flags: Serve) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = try text(flags.host, "TIDINGS_HOST", name: "--host") ?? configuration.host
        configuration.port = try integer(flags.port, "TIDINGS_PORT", name: "--port", range: 0...65535) ?? 8080
        let stateDirectory = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        configuration.dataDirectory =
            try text(flags.dataDir, "TIDINGS_DATA_DIR", name: "--data-dir") ?? stateDirectory ?? "./data"
        configuration.apiKeys = flags.apiKey + list("TIDINGS_API_KEYS")
        for key in configuration.apiKeys where key.isEmpty || key.contains(where: { $0.isWhitespace }) {
            throw ConfigurationError(message: "an API key must be non-empty and contain no whitespace")
        }
        configuration.signingSecret = try text(flags.signingSecret, "TIDINGS_SIGNING_SECRET", name: "--signing-secret")
        if let secret = configuration.signingSecret, secret.utf8.count < ServerConfiguration.minSigningSecretBytes {
            throw ConfigurationError(
                message: "--signing-secret must be at least \(ServerConfiguration.minSigningSecretBytes) bytes")
        }
        configuration.maxPollsPerUser =
            try integer(flags.maxPollsPerUser, "TIDINGS_MAX_POLLS_PER_USER", name: "--max-polls-per-user", range: 1...100_000)
            ?? configuration.maxPollsPerUser
        configuration.maxPolls =
            try integer(flags.maxPolls, "TIDINGS_MAX_POLLS", name: "--max-polls", range: 1...1_000_000)
            ?? configuration.maxPolls
        configuration.updatesRetentionHours =
            try integer(
                flags.updatesRetentionHours, "TIDINGS_UPDATES_RETENTION_HOURS", name: "--updates-retention-hours",
                range: 1...87_600) ?? configuration.updatesRetentionHours
        configuration.updatesMaxPerFeed =
            try integer(
                flags.updatesMaxPerFeed, "TIDINGS_UPDATES_MAX_PER_FEED", name: "--updates-max-per-feed",
                range: 100...10_000_000) ?? configuration.updatesMaxPerFeed
        configuration.requestTimeout =
            try integer(flags.requestTimeout, "TIDINGS_REQUEST_TIMEOUT", name: "--request-timeout", range: 1...3600)
            ?? configuration.requestTimeout
        configuration.corsOrigins = flags.corsOrigin + list("TIDINGS_CORS_ORIGINS")
        for origin in configuration.corsOrigins where !Self.isOrigin(origin) {
            throw ConfigurationError(
                message: "--cors-origin must be * or an origin such as https://app.example.com, not \(origin)")
        }
        if let level = try text(flags.logLevel, "TIDINGS_LOG_LEVEL", name: "--log-level") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ConfigurationError(
                    message: "--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }

    /// `*`, or `scheme://host[:port]` with nothing after it (what browsers send as `Origin`).
    static func isOrigin(_ text: String) -> Bool {
        if text == "*" { return true }
        guard let schemeEnd = text.range(of: "://") else { return false }
        let scheme = text[..<schemeEnd.lowerBound]
        let authority = text[schemeEnd.upperBound...]
        return (scheme == "http" || scheme == "https") && !authority.isEmpty
            && !authority.contains(where: { "/?#@ ".contains($0) })
    }

    /// A comma-separated variable's items, trimmed, empty ones dropped (none when unset).
    private func list(_ variable: String) -> [String] {
        (environment[variable] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    private func text(_ flag: String?, _ variable: String, name: String) throws(ConfigurationError) -> String? {
        guard let value = flag ?? environment[variable] else { return nil }
        guard !value.isEmpty else { throw ConfigurationError(message: "\(name) (or \(variable)) must not be empty") }
        return value
    }

    private func integer(_ flag: String?, _ variable: String, name: String, range: ClosedRange<Int>)
        throws(ConfigurationError) -> Int?
    {
        guard let value = try text(flag, variable, name: name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw ConfigurationError(
                message: "\(name) (or \(variable)) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
