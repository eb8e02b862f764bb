import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TidingsServer

/// Starts the server for a checked configuration and runs it until SIGTERM or SIGINT.
struct ServerRunner {
    let configuration: ServerConfiguration

    func run() async throws {
        let level = configuration.logLevel
        let journal = Systemd.stderrIsJournal
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tidings")
        let dependencies: ServerDependencies
        let origin: Credentials.Origin
        do {
            (dependencies, origin) = try prepareDependencies(configuration)
        } catch {
            FileHandle.standardError.write(
                Data("tidings: cannot start with data directory \(configuration.dataDirectory): \(Self.reason(error))\n".utf8))
            throw ExitCode(1)
        }
        let credentials = dependencies.credentials
        let activated = Systemd.activatedSocket()
        let services = await buildServices(dependencies, logger: logger, activatedSocket: activated) { host, port in
            let shown = host.contains(":") ? "[\(host)]" : host  // an IPv6 address, as a URL writes it
            logger.info("tidings listening on http://\(shown):\(port)\(activated == nil ? "" : " (socket activation)")")
            Self.announce(origin, credentials: credentials, logger: logger)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            // A service that fails (the listener cannot bind) stops the group: say why and exit 1.
            FileHandle.standardError.write(Data("tidings: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Tells the operator where the credentials come from, and a generated key once.
    static func announce(_ origin: Credentials.Origin, credentials: Credentials, logger: Logger) {
        switch origin {
        case .generated(let path):
            logger.notice(
                "generated credentials in \(path) (mode 0600); API key: \(credentials.apiKeys.first ?? "")")
        case .loaded(let path):
            logger.info("using credentials from \(path)")
        case .configured:
            if credentials.signingSecret == nil { logger.notice("no signing secret: user tokens are refused") }
            if credentials.apiKeys.isEmpty { logger.notice("no API key: only user tokens are accepted") }
        }
    }

    /// A file system error's cause ("Not a directory", "Permission denied") rather than
    /// Foundation's dump of its domain and user info; any other error as it describes itself.
    static func reason(_ error: any Error) -> String {
        ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? "\(error)"
    }
}
