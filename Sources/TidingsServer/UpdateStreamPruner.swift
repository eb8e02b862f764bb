import Logging
import ServiceLifecycle
import TidingsStore

/// Keeps the update stream within its retention (age and length per feed), every minute,
/// in short transactions.
struct UpdateStreamPruner: Service {
    let database: AppDatabase
    let maxAgeMilliseconds: Int64
    let maxPerFeed: Int
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pruned = try await database.pruneUpdateStream(
                    maxAgeMilliseconds: maxAgeMilliseconds, maxPerFeed: maxPerFeed)
                if pruned > 0 { logger.debug("pruned update stream", metadata: ["entries": "\(pruned)"]) }
            } catch is CancellationError {
                break  // the server is stopping (or never started): nothing failed
            } catch {
                logger.warning("pruning the update stream failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
