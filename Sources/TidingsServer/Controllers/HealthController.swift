import Hummingbird
import Synchronization
import TidingsStore

/// Whether the server is accepting work: false while starting and once shutdown begins.
public final class Readiness: Sendable {
    private let state = Mutex(false)
    public init() {}
    public var isReady: Bool { state.withLock { $0 } }
    public func set(_ ready: Bool) { state.withLock { $0 = ready } }
}

/// `/healthz` (the process runs) and `/readyz` (the database answers and the server is not
/// shutting down).
struct HealthController: Sendable {
    let database: AppDatabase
    let readiness: Readiness

    func addRoutes(to router: Router<TidingsRequestContext>) {
        router.get("healthz") { _, _ in Response.json(bytes: #"{"status":"ok"}"#.utf8) }
            .rejectMethods(on: "healthz", except: [.get])
        router.get("readyz") { _, _ in
            guard readiness.isReady, await database.isUsable() else {
                return Response.json(bytes: #"{"status":"unavailable"}"#.utf8, status: .serviceUnavailable)
            }
            return Response.json(bytes: #"{"status":"ready"}"#.utf8)
        }
        .rejectMethods(on: "readyz", except: [.get])
    }
}
