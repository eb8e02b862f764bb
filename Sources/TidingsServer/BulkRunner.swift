import Logging
import ServiceLifecycle
import TidingsStore

/// Runs large bulk operations in the background, one at a time, in short chunks. At start
/// it resumes what a previous run left unfinished; on shutdown it stops between chunks and
/// the operation resumes from its last chunk at the next start.
final class BulkRunner: Service, Sendable {
    private let database: AppDatabase
    private let metrics: ServerMetrics
    private let logger: Logger
    private let queue: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init(database: AppDatabase, metrics: ServerMetrics, logger: Logger) {
        self.database = database
        self.metrics = metrics
        self.logger = logger
        (queue, continuation) = AsyncStream.makeStream()
    }

    func enqueue(_ id: String) async {
        continuation.yield(id)
    }

    func run() async throws {
        for id in try await database.unfinishedBulkOperations() {
            logger.info("resuming bulk operation", metadata: ["id": "\(id)"])
            continuation.yield(id)
        }
        await cancelWhenGracefulShutdown { [queue, database, metrics, logger] in
            for await id in queue {
                do {
                    let operation = try await database.runBulk(id) { Task.isCancelled }
                    if let operation, operation.status == .completed {
                        metrics.bulkRowsProcessed(operation.action, count: operation.processedRows)
                    }
                    logger.info(
                        "bulk operation \(operation?.status.rawValue ?? "missing")",
                        metadata: ["id": "\(id)", "rows": "\(operation?.processedRows ?? 0)"])
                } catch {
                    logger.warning("bulk operation interrupted", metadata: ["id": "\(id)", "error": "\(error)"])
                }
            }
        }
    }
}
