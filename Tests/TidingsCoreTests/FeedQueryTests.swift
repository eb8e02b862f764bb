import Testing

@testable import TidingsCore

@Suite("Feed query parameters")
struct FeedQueryTests {
    let feed = FeedKey(userID: "u", channelID: "in-app")

    @Test("defaults: 50 newest, all statuses, archived excluded, mark seen")
    func defaults() throws {
        let query = try FeedQuery(feed: feed, parameters: [:])
        #expect(query == FeedQuery(feed: feed))
        #expect(query.pageSize == 50 && query.markSeen && query.scope == .default && query.position == .newest)
    }

    @Test("every parameter is read")
    func everything() throws {
        let cursor = FeedCursor(kind: .message, feed: feed, position: 9).encoded
        let query = try FeedQuery(
            feed: feed,
            parameters: [
                "page_size": "7", "status": "unread", "archived": "only", "source": "s", "tenant": "t",
                "has_tenant": "true", "mark_seen": "false", "before": cursor,
            ])
        #expect(query.pageSize == 7 && query.status == .unread && !query.markSeen)
        #expect(query.scope == FeedScope(archived: .only, source: "s", tenant: .only("t")))
        #expect(query.position == .newerThan(9))
    }

    @Test("tenant and has_tenant combine as section 5 says")
    func tenants() throws {
        func scope(_ parameters: [String: String]) throws -> TenantScope {
            try FeedQuery(feed: feed, parameters: parameters).scope.tenant
        }
        #expect(try scope(["tenant": "a"]) == .tenantOrUntenanted("a"))
        #expect(try scope(["tenant": "a", "has_tenant": "true"]) == .only("a"))
        #expect(try scope(["has_tenant": "true"]) == .anyTenant)
        #expect(try scope(["has_tenant": "false"]) == .untenanted)
        #expect(throws: TidingsError.self) { try scope(["tenant": "a", "has_tenant": "false"]) }
    }

    @Test(
        "bad values are a 400 naming the parameter",
        arguments: [
            ("page_size", "0"), ("page_size", "51"), ("page_size", "x"), ("status", "new"), ("archived", "no"),
            ("mark_seen", "yes"), ("has_tenant", "1"), ("source", ""), ("tenant", ""),
        ])
    func badValues(name: String, value: String) {
        do {
            _ = try FeedQuery(feed: feed, parameters: [name: value])
            Issue.record("accepted \(name)=\(value)")
        } catch {
            #expect(error.status == 400)
            #expect(error.code == "invalid_\(name)")
        }
    }

    @Test("after and before together are refused")
    func bothCursors() {
        let cursor = FeedCursor(kind: .message, feed: feed, position: 1).encoded
        #expect(throws: TidingsError.conflictingCursors) {
            try FeedQuery(feed: feed, parameters: ["after": cursor, "before": cursor])
        }
    }

    @Test("a cursor of another feed is invalid_cursor")
    func foreignCursor() {
        let cursor = FeedCursor(kind: .message, feed: FeedKey(userID: "v", channelID: "in-app"), position: 1).encoded
        #expect(throws: TidingsError.invalidCursor) { try FeedQuery(feed: feed, parameters: ["after": cursor]) }
    }
}
