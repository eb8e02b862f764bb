import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TidingsServer

@Suite("OpenAPI document")
struct OpenAPITests {
    /// Path → methods, read from the document's `paths` section.
    static func documentedRoutes(_ yaml: String) -> [String: Set<String>] {
        var routes = [String: Set<String>]()
        var current: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
                routes[current ?? ""] = []
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(key) { routes[path]?.insert(key.uppercased()) }
            }
        }
        return routes
    }

    @Test("every route the router registers is in the document, and every documented route is registered")
    func matchesRouter() async throws {
        let (_, dependencies) = try await makeTestServer()
        let catalog = RouteCatalog()
        _ = await buildRouter(dependencies, catalog: catalog)
        let documented = Self.documentedRoutes(OpenAPIDocument.yaml)
        #expect(!catalog.routes.isEmpty)
        #expect(documented == catalog.routes)
    }

    @Test("GET /openapi.yaml serves the document without credentials")
    func served() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test("GET /metrics is Prometheus text with the open-polls gauge and request counts")
    func metrics() async throws {
        try await makeTestApp().test(.router) { client async throws in
            _ = try await client.send(.get, "/v1/users/u/feeds/in-app")
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains("tidings_open_polls 0"))
            #expect(text.contains("tidings_http_requests_total{"))
            #expect(text.contains("tidings_http_request_duration_seconds_bucket{"))
            #expect(text.contains("tidings_db_transaction_duration_seconds") || text.contains("route=\"/v1/users/{user_id}/feeds/{channel_id}\""))
        }
    }
}
