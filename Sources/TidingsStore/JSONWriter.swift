import TidingsAPI
import TidingsCore

/// Writes the JSON of hot answers by hand, copying stored JSON (actors, data, blocks) in
/// as it is: decoding and re-encoding it with Foundation cost more than the whole query.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(16 * 1024) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0a: raw("\\n")
            case 0x0d: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                raw("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0f)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func time(_ milliseconds: Int64?) {
        optionalString(milliseconds.map { Timestamp(milliseconds: $0).rfc3339 })
    }

    /// One feed item, in the shape of `FeedItem`.
    mutating func item(_ row: MessageRow, feed: FeedKey) {
        raw("{")
        key("id"); string(MessageID(sequence: row.sequence, token: row.token).string); raw(",")
        key("__cursor"); string(FeedCursor(kind: .message, feed: feed, position: row.sequence).encoded); raw(",")
        key("channel_id"); string(feed.channelID); raw(",")
        key("recipient"); string(feed.userID); raw(",")
        key("inserted_at"); time(row.insertedAt); raw(",")
        key("updated_at"); time(row.updatedAt); raw(",")
        let flags: [(String, Int64?)] = [
            ("seen", row.seenAt), ("read", row.readAt), ("interacted", row.interactedAt),
            ("archived", row.archivedAt), ("link_clicked", row.linkClickedAt),
        ]
        for (flag, value) in flags {
            key("\(flag)_at"); time(value); raw(",")
        }
        key("engagement_statuses")
        raw("[" + flags.compactMap { $0.1 == nil ? nil : "\"\($0.0)\"" }.joined(separator: ",") + "],")
        key("status"); string("delivered"); raw(",")
        key("source")
        if let source = row.source {
            raw("{"); key("key"); string(source); raw("}")
        } else {
            raw("null")
        }
        raw(",")
        key("tenant"); optionalString(row.tenant); raw(",")
        key("actors"); raw(row.actorsJSON); raw(",")
        key("data"); raw(row.dataJSON); raw(",")
        key("blocks"); raw(row.blocksJSON)
        raw("}")
    }

    /// A feed page, in the shape of `FeedPage`.
    mutating func feedPage(_ page: FeedReader.Page) {
        raw("{"); key("entries"); raw("[")
        for (index, row) in page.rows.enumerated() {
            if index > 0 { raw(",") }
            item(row, feed: page.feed)
        }
        raw("],"); key("meta"); raw("{")
        key("total_count"); raw(String(page.meta.totalCount)); raw(",")
        key("unread_count"); raw(String(page.meta.unreadCount)); raw(",")
        key("unseen_count"); raw(String(page.meta.unseenCount)); raw(",")
        key("marked_seen"); raw(String(page.meta.markedSeen)); raw(",")
        key("updates_cursor"); string(page.meta.updatesCursor)
        raw("},"); key("page_info"); raw("{")
        key("after"); optionalString(page.pageInfo.after); raw(",")
        key("before"); optionalString(page.pageInfo.before); raw(",")
        key("page_size"); raw(String(page.pageInfo.pageSize))
        raw("}}")
    }
}
