import Synchronization

/// The routes a router was built with (path template and methods), recorded as controllers
/// register them, so the OpenAPI document can be checked against what really runs.
public final class RouteCatalog: Sendable {
    private let entries = Mutex<[String: Set<String>]>([:])

    /// The catalog the router being built records into.
    @TaskLocal static var current: RouteCatalog?
    /// The path prefix of the group being registered (`/v1/`).
    @TaskLocal static var prefix = "/"

    public init() {}

    /// Path template → methods, e.g. `/v1/messages/{id}/read` → `["DELETE", "PUT"]`.
    public var routes: [String: Set<String>] { entries.withLock { $0 } }

    func add(_ path: String, methods: [String]) {
        let full = Self.prefix + path.drop { $0 == "/" }
        entries.withLock { $0[full, default: []].formUnion(methods) }
    }
}
