import TidingsAPI
import TidingsCore

/// Writes the JSON of hot answers by hand, copying stored JSON (actors, data, blocks) in
/// as it is: decoding and re-encoding it with Foundation cost more than the whole query.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 16 * 1024) { bytes.reserveCapacity(capacity) }

    /// Room for an answer carrying `rows`: their stored JSON plus the item's own fields, so
    /// the buffer grows at most rarely.
    static func estimate(_ rows: [MessageRow]) -> Int {
        rows.reduce(512) { $0 + 640 + $1.actorsJSON.utf8.count + $1.dataJSON.utf8.count + $1.blocksJSON.utf8.count }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most values need no escaping: copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
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

    /// An object key; keys are the writer's own constants and need no escaping.
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func time(_ milliseconds: Int64?) {
        guard let milliseconds else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        Timestamp(milliseconds: milliseconds).appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
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
        let flags: [(key: StaticString, status: StaticString, value: Int64?)] = [
            ("seen_at", "seen", row.seenAt), ("read_at", "read", row.readAt),
            ("interacted_at", "interacted", row.interactedAt), ("archived_at", "archived", row.archivedAt),
            ("link_clicked_at", "link_clicked", row.linkClickedAt),
        ]
        for flag in flags {
            key(flag.key); time(flag.value); raw(",")
        }
        key("engagement_statuses")
        raw("[")
        var first = true
        for flag in flags where flag.value != nil {
            if !first { raw(",") }
            first = false
            bytes.append(UInt8(ascii: "\""))
            flag.status.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
        }
        raw("],")
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
