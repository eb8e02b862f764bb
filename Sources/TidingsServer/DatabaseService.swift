import Logging
import ServiceLifecycle
import TidingsStore

/// Owns the database for the life of the server: registered before the HTTP server, so it
/// is shut down after the server has drained, and then checkpoints and closes the database.
struct DatabaseService: Service {
    let database: AppDatabase
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        readiness.set(false)
        do {
            try database.close()
            logger.info("database checkpointed and closed")
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Forgets idempotency keys older than 24 hours, once at start and then every 10 minutes.
struct IdempotencyPruner: Service {
    let database: AppDatabase
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pruned = try await database.pruneIdempotencyKeys()
                if pruned > 0 { logger.debug("pruned idempotency keys", metadata: ["count": "\(pruned)"]) }
            } catch is CancellationError {
                break  // the server is stopping (or never started): nothing failed
            } catch {
                logger.warning("pruning idempotency keys failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
        }
    }
}
