import ArgumentParser
import Foundation
import TidingsClient

/// The options every subcommand takes (API.md section 11). Each falls back to its
/// environment variable; a flag beats any variable.
struct GlobalOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp("The server's base URL (env TIDINGS_URL; default \(defaultURL)).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("A secret API key (env TIDINGS_API_KEY).", valueName: "key"))
    var key: String?

    @Option(
        help: ArgumentHelp(
            "A user token, to act as that user (env TIDINGS_TOKEN, which beats TIDINGS_API_KEY).", valueName: "token"))
    var token: String?

    @Flag(help: "Machine output: one JSON object per line.")
    var json = false

    /// The server's base URL after the environment and the default.
    var serverURL: String { url ?? Self.environment("TIDINGS_URL") ?? Self.defaultURL }

    func validate() throws {
        if key != nil, token != nil { throw ValidationError("give --key or --token, not both") }
    }

    /// The bearer credential: a flag beats a variable. With both variables set, the user
    /// token wins: it is the narrower of the two, and one set on top of an exported key
    /// means "act as this user now", never "do more than this user may".
    var credential: String? {
        key ?? token ?? Self.environment("TIDINGS_TOKEN") ?? Self.environment("TIDINGS_API_KEY")
    }

    /// A client for the server; a bad URL or no credential at all is a usage error.
    func makeClient() throws -> TidingsClient {
        guard let credential else {
            throw ValidationError("no credential: give --key or --token, or set TIDINGS_API_KEY or TIDINGS_TOKEN")
        }
        return try TidingsClient(baseURL: try baseURL(), credential: credential)
    }

    /// The server's base URL; one the client cannot use (not http(s), no host, a port
    /// out of range) is a usage error.
    func baseURL() throws -> URL {
        guard let url = URL(string: serverURL) else {
            throw ValidationError("--url must be an http:// or https:// URL with a host, not '\(serverURL)'")
        }
        if let problem = TidingsClient.baseURLProblem(url) {
            throw ValidationError("--url \(problem), not '\(serverURL)'")
        }
        return url
    }

    /// A variable's value; set but empty counts as unset.
    static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
