import Foundation
import GRDB
import TidingsAPI
import TidingsCore

/// A message as read from `message` joined with its content, and its conversion to the
/// wire's feed item.
struct MessageRow {
    /// The columns every message read selects, in this order.
    static let selection = """
        m.seq, m.token, m.inserted_at, m.updated_at, m.seen_at, m.read_at, m.interacted_at, m.archived_at,
        m.link_clicked_at, m.source, m.tenant, m.content_id, c.actors, c.data, c.blocks
        """
    static let join = "message m JOIN message_content c ON c.id = m.content_id"

    var sequence: Int64
    var token: Int64
    var insertedAt: Int64
    var updatedAt: Int64
    var seenAt: Int64?
    var readAt: Int64?
    var interactedAt: Int64?
    var archivedAt: Int64?
    var linkClickedAt: Int64?
    var source: String?
    var tenant: String?
    var contentID: Int64
    var actorsJSON: String
    var dataJSON: String
    var blocksJSON: String
    /// The item's JSON from `inserted_at` on, when rendered ahead (see `RenderedTail`).
    var tail: RenderedTail? = nil
}

/// A stored text column of a message that its JSON copies in.
enum StoredText {
    case source, tenant, actors, data, blocks
}

/// What a feed item's JSON is written from (`JSONWriter.item`): a `MessageRow`, or the row
/// a statement selecting `MessageRow.selection` stands on (`StatementRow`), whose text is
/// copied from SQLite's buffers without becoming a `String` first.
protocol StoredItem {
    var sequence: Int64 { get }
    var token: Int64 { get }
    var insertedAt: Int64 { get }
    var updatedAt: Int64 { get }
    var seenAt: Int64? { get }
    var readAt: Int64? { get }
    var interactedAt: Int64? { get }
    var archivedAt: Int64? { get }
    var linkClickedAt: Int64? { get }
    /// The item's JSON from `inserted_at` on, when rendered ahead.
    var tail: RenderedTail? { get }
    /// Lends a text column's UTF-8 bytes, `nil` for SQL NULL.
    func withText<Result>(_ column: StoredText, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result
}

extension MessageRow: StoredItem {
    func withText<Result>(_ column: StoredText, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        let text: String?
        switch column {
        case .source: text = source
        case .tenant: text = tenant
        case .actors: text = actorsJSON
        case .data: text = dataJSON
        case .blocks: text = blocksJSON
        }
        guard var text else { return body(nil) }
        return text.withUTF8 { body($0) }
    }
}

/// The part of a feed item's JSON that is the same for every recipient of one create (all
/// but its id, cursor, channel and recipient), rendered once when the create stores its
/// rows: a create that wakes a thousand polls then writes it once, not a thousand times.
/// Only a create's own rows carry one, for the answers it pushes at its commit.
final class RenderedTail: Sendable {
    let bytes: [UInt8]

    init(_ row: MessageRow) {
        var writer = JSONWriter(capacity: JSONWriter.estimate([row]))
        writer.itemTail(row)
        bytes = writer.bytes
    }
}

extension MessageRow {
    /// Reads the columns of `selection` from the current row, starting at column `offset`.
    init(_ rows: borrowing RawRows, offset: Int32 = 0) {
        self.init(rows.messageRow(offset: offset))
    }

    /// Copies a statement's current row (`StatementRow` knows where each column is).
    init(_ row: StatementRow) {
        func text(_ column: StoredText) -> String? {
            row.withText(column) { $0.map { String(decoding: $0, as: UTF8.self) } }
        }
        self.init(
            sequence: row.sequence, token: row.token, insertedAt: row.insertedAt, updatedAt: row.updatedAt,
            seenAt: row.seenAt, readAt: row.readAt, interactedAt: row.interactedAt, archivedAt: row.archivedAt,
            linkClickedAt: row.linkClickedAt, source: text(.source), tenant: text(.tenant), contentID: row.contentID,
            actorsJSON: text(.actors) ?? "", dataJSON: text(.data) ?? "", blocksJSON: text(.blocks) ?? "")
    }
}

/// Decodes stored content once per content row: every recipient of a create shares it.
struct ContentDecoder {
    private var cache: [Int64: ([JSONValue], JSONValue, [Block])] = [:]
    private let decoder = JSONDecoder()

    mutating func content(of row: MessageRow) throws -> ([JSONValue], JSONValue, [Block]) {
        if let content = cache[row.contentID] { return content }
        let content = (
            try decoder.decode([JSONValue].self, from: Data(row.actorsJSON.utf8)),
            try decoder.decode(JSONValue.self, from: Data(row.dataJSON.utf8)),
            try decoder.decode([Block].self, from: Data(row.blocksJSON.utf8))
        )
        cache[row.contentID] = content
        return content
    }

    mutating func item(_ row: MessageRow, feed: FeedKey) throws -> FeedItem {
        let (actors, data, blocks) = try content(of: row)
        func time(_ milliseconds: Int64?) -> String? { milliseconds.map { Timestamp(milliseconds: $0).rfc3339 } }
        return FeedItem(
            id: MessageID(sequence: row.sequence, token: row.token).string,
            cursor: FeedCursor(kind: .message, feed: feed, position: row.sequence).encoded,
            channelID: feed.channelID, recipient: feed.userID,
            insertedAt: Timestamp(milliseconds: row.insertedAt).rfc3339,
            updatedAt: Timestamp(milliseconds: row.updatedAt).rfc3339,
            seenAt: time(row.seenAt), readAt: time(row.readAt), interactedAt: time(row.interactedAt),
            archivedAt: time(row.archivedAt), linkClickedAt: time(row.linkClickedAt),
            source: row.source.map(FeedItem.Source.init(key:)), tenant: row.tenant,
            actors: actors, data: data, blocks: blocks)
    }
}
