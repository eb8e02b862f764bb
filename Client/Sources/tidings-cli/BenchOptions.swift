import ArgumentParser
import NIOCore
import TidingsBench

/// Options every `bench` subcommand takes, and what they share: the target, the event
/// loops, the file-descriptor check, printing the report.
struct BenchOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Event loop threads of the load generator (1 or 2).", valueName: "n"))
    var threads = 1

    func validate() throws {
        guard (1...2).contains(threads) else { throw ValidationError("--threads must be 1 or 2") }
    }

    /// The server and the secret key; a user token is not enough (it cannot create messages).
    /// Without `keyRequired` (`bench http`), any credential is sent, a user token too, and
    /// none is needed.
    func target(_ global: GlobalOptions, keyRequired: Bool = true) throws -> BenchTarget {
        let key = keyRequired ? global.key ?? GlobalOptions.environment("TIDINGS_API_KEY") : global.credential
        if keyRequired, key == nil {
            throw ValidationError(
                "bench needs the secret API key (it creates messages for many users): give --key or set "
                    + "TIDINGS_API_KEY")
        }
        _ = try global.baseURL()  // the same checks and messages as the other commands
        do {
            return try BenchTarget(url: global.serverURL, apiKey: key)
        } catch {
            throw ValidationError("--url must be a plain http:// URL for bench, not '\(global.serverURL)'")
        }
    }

    /// Runs `body` with a load generator for `global`'s server, after making sure this process
    /// may open `connections` sockets.
    func run<Report: Sendable>(
        _ global: GlobalOptions, connections: Int, keyRequired: Bool = true, purpose: String,
        _ body: (LoadGenerator) async throws -> Report
    ) async throws -> Report {
        let target = try target(global, keyRequired: keyRequired)
        do {
            try FileDescriptorLimit.ensure(connections + 64, for: purpose)
            return try await LoadGenerator.with(target: target, threads: threads, body)
        } catch let failure as BenchFailure {
            Console.error("error: \(failure.description)")
            if case .limits = failure { throw ExitCode(ExitStatus.usage) }
            throw ExitCode(ExitStatus.serverError)
        }
    }
}

extension Double {
    /// Seconds given on the command line as a NIO time amount.
    var seconds: TimeAmount { .nanoseconds(Int64((self * 1e9).rounded())) }
}
