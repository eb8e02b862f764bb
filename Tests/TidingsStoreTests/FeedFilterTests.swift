import Foundation
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Feed filters and counts")
struct FeedFilterTests {
    let feed = FeedKey(userID: "u", channelID: "in-app")

    @Test("counts stay exact past 100 and follow every flag change")
    func exactCounts() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(130, for: "u")
        for id in ids.prefix(40) { try await database.setDirectly("read_at", of: id, to: 1) }
        for id in ids.prefix(25) { try await database.setDirectly("seen_at", of: id, to: 1) }
        for id in ids.suffix(10) { try await database.setDirectly("archived_at", of: id, to: 1) }
        try await database.setDirectly("read_at", of: ids[0], to: nil)
        let meta = try await database.peek(feed).meta
        #expect(meta.totalCount == 120 && meta.unreadCount == 81 && meta.unseenCount == 95)
        let all = try await database.peek(feed) { $0.scope.archived = .include }.meta
        #expect(all.totalCount == 130 && all.unreadCount == 91 && all.unseenCount == 105)
        let archived = try await database.peek(feed) { $0.scope.archived = .only }.meta
        #expect(archived.totalCount == 10 && archived.unreadCount == 10 && archived.unseenCount == 10)
        // The counters agree with counting the rows.
        let counted = try await database.peek(feed) { $0.scope.tenant = .untenanted }.meta
        #expect(counted.totalCount == 120 && counted.unreadCount == 81 && counted.unseenCount == 95)
    }

    @Test("status filters the page but not the counts")
    func statusFilter() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(6, for: "u")
        for id in ids.prefix(2) { try await database.setDirectly("read_at", of: id, to: 1) }
        try await database.setDirectly("seen_at", of: ids[5], to: 1)
        func entries(_ status: StatusFilter) async throws -> [String] {
            try await database.peek(feed) { $0.status = status }.entries.map(\.id)
        }
        #expect(try await entries(.read) == [ids[1], ids[0]])
        #expect(try await entries(.unread) == Array(ids[2...].reversed()))
        #expect(try await entries(.seen) == [ids[5]])
        #expect(try await entries(.unseen) == Array(ids[..<5].reversed()))
        #expect(try await database.peek(feed) { $0.status = .read }.meta.totalCount == 6)
    }

    @Test("a status none of the scope's messages has gives an empty page; the others still list theirs")
    func emptyByCounters() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(4, for: "u")
        func entries(_ status: StatusFilter, _ archived: ArchivedScope = .exclude) async throws -> [String] {
            var query = FeedQuery(feed: feed, status: status, markSeen: false)
            query.scope.archived = archived
            let page = try await database.readFeed(query)
            // The page written as it is read says the same.
            let written = try await database.readFeedJSON(query)
            #expect(try JSONDecoder().decode(FeedPage.self, from: Data(written)) == page)
            return page.entries.map(\.id)
        }
        #expect(try await entries(.read).isEmpty)
        #expect(try await entries(.seen).isEmpty)
        #expect(try await entries(.unread) == ids.reversed())
        #expect(try await entries(.unseen) == ids.reversed())
        for id in ids { try await database.setDirectly("read_at", of: id, to: 1) }
        #expect(try await entries(.unread).isEmpty)
        #expect(try await entries(.read) == ids.reversed())
        #expect(try await entries(.unseen) == ids.reversed())
        #expect(try await entries(.seen).isEmpty)
        for id in ids { try await database.setDirectly("seen_at", of: id, to: 1) }
        #expect(try await entries(.unread).isEmpty)
        #expect(try await entries(.unseen).isEmpty)
        #expect(try await entries(.read) == ids.reversed())
        #expect(try await entries(.seen) == ids.reversed())
        for id in ids { try await database.setDirectly("archived_at", of: id, to: 1) }
        for status in StatusFilter.allCases { #expect(try await entries(status).isEmpty, "\(status)") }
        #expect(try await entries(.all, .only) == ids.reversed())
        #expect(try await entries(.read, .include) == ids.reversed())
    }

    @Test("archived: exclude, include, only")
    func archivedScope() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(3, for: "u")
        try await database.setDirectly("archived_at", of: ids[1], to: 1)
        #expect(try await database.peek(feed).entries.map(\.id) == [ids[2], ids[0]])
        #expect(try await database.peek(feed) { $0.scope.archived = .include }.entries.count == 3)
        #expect(try await database.peek(feed) { $0.scope.archived = .only }.entries.map(\.id) == [ids[1]])
    }

    @Test("source, tenant and has_tenant restrict entries and counts")
    func sourceAndTenant() async throws {
        let database = try makeDatabase()
        let plain = try await database.create(1, for: "u")
        let acme = try await database.create(2, for: "u", source: "comment", tenant: "acme")
        let other = try await database.create(1, for: "u", source: "like", tenant: "other")
        func ids(_ change: @escaping (inout FeedQuery) -> Void) async throws -> (Set<String>, Int) {
            let page = try await database.peek(feed, change)
            return (Set(page.entries.map(\.id)), page.meta.totalCount)
        }
        let bySource = try await ids { $0.scope.source = "comment" }
        #expect(bySource.0 == Set(acme) && bySource.1 == 2)
        let tenantOrNone = try await ids { $0.scope.tenant = .tenantOrUntenanted("acme") }
        #expect(tenantOrNone.0 == Set(acme + plain) && tenantOrNone.1 == 3)
        let onlyTenant = try await ids { $0.scope.tenant = .only("acme") }
        #expect(onlyTenant.0 == Set(acme) && onlyTenant.1 == 2)
        let anyTenant = try await ids { $0.scope.tenant = .anyTenant }
        #expect(anyTenant.0 == Set(acme + other) && anyTenant.1 == 3)
        let untenanted = try await ids { $0.scope.tenant = .untenanted }
        #expect(untenanted.0 == Set(plain) && untenanted.1 == 1)
    }

    @Test("feeds of other users and channels are separate")
    func isolation() async throws {
        let database = try makeDatabase()
        try await database.create(2, for: "u")
        try await database.create(3, for: "v")
        try await database.create(4, for: "u", channel: "web")
        #expect(try await database.peek(feed).meta.totalCount == 2)
        #expect(try await database.peek(FeedKey(userID: "u", channelID: "web")).meta.totalCount == 4)
    }
}
