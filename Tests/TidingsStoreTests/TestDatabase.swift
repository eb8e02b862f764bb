import Foundation
import GRDB
import TestSupport
import TidingsAPI
import TidingsCore

@testable import TidingsStore

/// A real database file in a fresh temporary directory.
func makeDatabase(hub: UpdateHub? = nil) throws -> AppDatabase {
    try AppDatabase(path: freshDatabasePath(), hub: hub)
}

/// The path of a database file, not created yet, in a fresh temporary directory.
func freshDatabasePath() throws -> String {
    let directory = try TestDirectory.make("tidings-store")
    return directory.appendingPathComponent("tidings.sqlite").path
}

func newMessages(
    _ recipients: [String], channel: String = "in-app", source: String? = nil, tenant: String? = nil, text: String = "hi"
) -> NewMessages {
    NewMessages(
        channelID: channel, recipients: recipients, source: source, tenant: tenant, actorsJSON: "[]",
        dataJSON: #"{"n":1}"#,
        blocksJSON: #"[{"type":"text","name":"body","content":"\#(text)","rendered":"\#(text)"}]"#)
}

extension AppDatabase {
    /// Rows whose declared references point at nothing (`PRAGMA foreign_key_check`): the
    /// server does not have SQLite enforce them, so tests check that none is ever broken.
    func foreignKeyViolations() async throws -> Int {
        try await pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count }
    }

    /// Creates `count` messages, one request each, and returns their ids oldest first.
    @discardableResult
    func create(_ count: Int, for user: String, channel: String = "in-app", source: String? = nil, tenant: String? = nil)
        async throws -> [String]
    {
        var ids = [String]()
        for index in 0..<count {
            let outcome = try await createMessages(
                newMessages([user], channel: channel, source: source, tenant: tenant, text: "m\(index)"), idempotency: nil)
            guard case .created(let body) = outcome else { throw TidingsError.internalError }
            ids.append(try JSONDecoder().decode(CreateMessagesResponse.self, from: Data(body)).messages[0].id)
        }
        return ids
    }

    /// Sets a flag's timestamp directly (the engagement endpoints come with a later issue).
    func setDirectly(_ column: String, of id: String, to value: Int64?) async throws {
        guard let parsed = MessageID(id) else { throw TidingsError.messageNotFound }
        try await pool.write { db in
            try db.execute(sql: "UPDATE message SET \(column) = ? WHERE seq = ?", arguments: [value, parsed.sequence])
        }
    }

    func peek(_ feed: FeedKey, _ change: (inout FeedQuery) -> Void = { _ in }) async throws -> FeedPage {
        var query = FeedQuery(feed: feed, markSeen: false)
        change(&query)
        return try await readFeed(query)
    }
}
