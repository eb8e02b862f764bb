// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "tidings",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tidings", targets: ["tidings"]),
        .executable(name: "tidings-cli", targets: ["tidings-cli"]),
        .library(name: "TidingsClient", targets: ["TidingsClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // The HTTP client of TidingsClient (and of EndToEndTests).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Domain: identifiers, engagement, cursors, feed queries, the update hub, the error catalogue.
        // Imports no framework.
        .target(name: "TidingsCore"),
        // Codable wire types shared by the server and the client.
        .target(name: "TidingsAPI", dependencies: ["TidingsCore"]),
        // SQLite (WAL) through GRDB: one writer, snapshot readers, migrations in one place.
        .target(
            name: "TidingsStore",
            dependencies: [
                "TidingsCore", "TidingsAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // User tokens (HS256 JWTs): signed by the CLI, verified by the server, one implementation.
        .target(name: "TidingsTokens", dependencies: [.product(name: "JWTKit", package: "jwt-kit")]),
        // libsystemd (sd_notify, socket activation, journald), the real library through pkg-config.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // The HTTP service: buildApplication, controllers, auth, config, services.
        .target(
            name: "TidingsServer",
            dependencies: [
                "TidingsCore", "TidingsAPI", "TidingsStore", "TidingsTokens", "CSystemd",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        .executableTarget(
            name: "tidings",
            dependencies: [
                "TidingsServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The client library over the HTTP API, and the CLI on top of it.
        .target(
            name: "TidingsClient",
            dependencies: [
                "TidingsAPI", "TidingsCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Client/Sources/TidingsClient"),
        // The load generator behind `tidings-cli bench`: SwiftNIO connections (thousands at once),
        // HdrHistogram latencies. Not for production clients.
        .target(
            name: "TidingsBench",
            dependencies: [
                "TidingsClient", "TidingsAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Client/Sources/TidingsBench"),
        .executableTarget(
            name: "tidings-cli",
            dependencies: [
                "TidingsClient", "TidingsAPI", "TidingsTokens", "TidingsBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Client/Sources/tidings-cli"),
        .testTarget(
            name: "TidingsClientTests",
            dependencies: ["TidingsClient", "TidingsAPI", "TidingsTokens", "TidingsBench", "TestSupport"],
            path: "Client/Tests/TidingsClientTests"),

        // A bare Hummingbird "hello" server: the plain-HTTP ceiling of the benchmarks (issue 8).
        .executableTarget(
            name: "tidings-hello",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/Hello"),

        // Temporary directories for the tests, removed when the test process exits.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TidingsCoreTests", dependencies: ["TidingsCore"]),
        .testTarget(name: "TidingsStoreTests", dependencies: ["TidingsStore", "TestSupport"]),
        .testTarget(
            name: "TidingsServerTests",
            dependencies: [
                "TidingsServer", "TidingsTokens", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TidingsAPI", "TidingsCore", "TidingsStore", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
