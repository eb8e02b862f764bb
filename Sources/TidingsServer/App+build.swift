import Foundation
import Hummingbird
import Logging
import HummingbirdCore
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// Everything a running server is made of, built once by `buildApplication`.
public struct ServerDependencies: Sendable {
    public let configuration: ServerConfiguration
    public let credentials: Credentials
    public let database: AppDatabase
    public let readiness: Readiness
    public let hub: UpdateHub
    public let metrics: ServerMetrics
    let bulkRunner: BulkRunner
}

/// Opens the data directory and database and resolves the credentials for `configuration`.
public func prepareDependencies(_ configuration: ServerConfiguration) throws -> (ServerDependencies, Credentials.Origin) {
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    let (credentials, origin) = try Credentials.resolve(configuration)
    let hub = UpdateHub(maxPollsPerUser: configuration.maxPollsPerUser, maxPolls: configuration.maxPolls)
    let metrics = ServerMetrics(hub: hub)
    // Every commit wakes the polls of the feeds it changed.
    let database = try AppDatabase(
        path: configuration.databasePath, hub: hub,
        onTransaction: { operation, duration in metrics.transaction(operation, duration: duration) })
    let dependencies = ServerDependencies(
        configuration: configuration, credentials: credentials, database: database, readiness: Readiness(), hub: hub,
        metrics: metrics, bulkRunner: BulkRunner(database: database, metrics: metrics, logger: Logger(label: "tidings.bulk")))
    return (dependencies, origin)
}

/// The router with every route, shared by the real server and `app.test(.router)` tests.
/// With a `catalog`, every route registered is recorded in it.
public func buildRouter(
    _ dependencies: ServerDependencies, detectsDisconnects: Bool = true, catalog: RouteCatalog? = nil
) async -> Router<TidingsRequestContext> {
    await RouteCatalog.$current.withValue(catalog) {
        let router = Router(context: TidingsRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: dependencies.metrics))
        // Outside the error middleware: error answers carry the CORS headers too, and
        // Hummingbird's CORS middleware never sees (and rewraps) a thrown error.
        if !dependencies.configuration.corsOrigins.isEmpty {
            router.add(middleware: CrossOriginMiddleware(configured: dependencies.configuration.corsOrigins))
        }
        router.add(middleware: ErrorMiddleware())
        HealthController(database: dependencies.database, readiness: dependencies.readiness).addRoutes(to: router)
        MetricsController(metrics: dependencies.metrics).addRoutes(to: router)
        OpenAPIDocument.Controller().addRoutes(to: router)
        let authenticator = await Authenticator(credentials: dependencies.credentials)
        let v1 = router.group("v1").add(middleware: AuthMiddleware(authenticator: authenticator))
            .group(context: AuthenticatedContext.self)
        RouteCatalog.$prefix.withValue("/v1/") {
            MessagesController(
                database: dependencies.database, validator: CreateMessagesValidator(markdown: SafeMarkdown()),
                metrics: dependencies.metrics
            ).addRoutes(to: v1)
            FeedsController(database: dependencies.database).addRoutes(to: v1)
            EngagementController(database: dependencies.database, metrics: dependencies.metrics).addRoutes(to: v1)
            BulkController(database: dependencies.database, runner: dependencies.bulkRunner, metrics: dependencies.metrics)
                .addRoutes(to: v1)
            UpdatesController(database: dependencies.database, hub: dependencies.hub, detectsDisconnects: detectsDisconnects)
                .addRoutes(to: v1)
        }
        return router
    }
}

/// Every long-running part of the server, in start order; they stop in reverse order on
/// SIGTERM/SIGINT: first the shutdown coordinator (readiness off, `STOPPING=1`, waiting polls
/// answered), then the HTTP server drains, then background work stops between chunks, and
/// last the database is checkpointed and closed.
public func buildServices(
    _ dependencies: ServerDependencies, logger: Logger, activatedSocket: Int32? = nil,
    onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
) async -> [any Service] {
    let configuration = dependencies.configuration
    let router = await buildRouter(dependencies)
    let listening: @Sendable (String, Int) -> Void = { host, port in
        dependencies.readiness.set(true)
        onListening(host, port)
        Systemd.notify("READY=1\nSTATUS=listening on \(host):\(port)")
    }
    // Idle and slow clients are cut off so they cannot hold connections (slowloris); request
    // heads are size-limited by NIO's decoder.
    let http = HTTPServer(
        listener: activatedSocket.map { .activated(descriptor: $0) }
            ?? .address(host: configuration.host, port: configuration.port),
        responder: router.buildResponder(), requestTimeout: .seconds(Int64(configuration.requestTimeout)),
        idleTimeout: .seconds(60), dependencies: dependencies, logger: logger, onListening: listening)
    return [
        DatabaseService(database: dependencies.database, readiness: dependencies.readiness, logger: logger),
        IdempotencyPruner(database: dependencies.database, logger: logger),
        dependencies.bulkRunner,
        UpdateStreamPruner(
            database: dependencies.database,
            maxAgeMilliseconds: Int64(configuration.updatesRetentionHours) * 3_600_000,
            maxPerFeed: configuration.updatesMaxPerFeed, logger: logger),
        http,
        SystemdWatchdog(
            database: dependencies.database, hub: dependencies.hub, metrics: dependencies.metrics, logger: logger),
        ShutdownCoordinator(readiness: dependencies.readiness, hub: dependencies.hub, logger: logger),
    ]
}
