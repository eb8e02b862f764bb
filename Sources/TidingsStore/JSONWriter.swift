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

    /// JSON punctuation and literals written by this code.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Stored JSON (actors, data, blocks), copied in as it is.
    mutating func json(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) {
        if (0..<10).contains(value) {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            // Most values need no escaping: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
            } else {
                for byte in utf8 { escaped(byte) }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0a: raw("\\n")
        case 0x0d: raw("\\r")
        case 0x09: raw("\\t")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0x0f)])
        default: bytes.append(byte)
        }
    }

    /// A message id, quoted (ids need no escaping).
    mutating func id(_ id: MessageID) {
        bytes.append(UInt8(ascii: "\""))
        id.append(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A cursor, quoted (base64url needs no escaping).
    mutating func cursor(_ cursor: FeedCursor) {
        bytes.append(UInt8(ascii: "\""))
        cursor.append(to: &bytes)
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

    /// One feed item, in the shape of `FeedItem`. `fingerprint` is the feed's (one per page).
    mutating func item(_ row: MessageRow, feed: FeedKey, fingerprint: UInt64) {
        raw("{")
        key("id"); id(MessageID(sequence: row.sequence, token: row.token)); raw(",")
        key("__cursor"); cursor(FeedCursor(kind: .message, feedFingerprint: fingerprint, position: row.sequence))
        raw(",")
        key("channel_id"); string(feed.channelID); raw(",")
        key("recipient"); string(feed.userID); raw(",")
        key("inserted_at"); time(row.insertedAt); raw(",")
        key("updated_at"); time(row.updatedAt); raw(",")
        key("seen_at"); time(row.seenAt); raw(",")
        key("read_at"); time(row.readAt); raw(",")
        key("interacted_at"); time(row.interactedAt); raw(",")
        key("archived_at"); time(row.archivedAt); raw(",")
        key("link_clicked_at"); time(row.linkClickedAt); raw(",")
        key("engagement_statuses")
        raw("[")
        var first = true
        func status(_ name: StaticString, _ value: Int64?) {
            guard value != nil else { return }
            if !first { raw(",") }
            first = false
            raw(name)
        }
        status("\"seen\"", row.seenAt)
        status("\"read\"", row.readAt)
        status("\"interacted\"", row.interactedAt)
        status("\"archived\"", row.archivedAt)
        status("\"link_clicked\"", row.linkClickedAt)
        raw("],")
        key("status"); raw("\"delivered\",")
        key("source")
        if let source = row.source {
            raw("{"); key("key"); string(source); raw("}")
        } else {
            raw("null")
        }
        raw(",")
        key("tenant"); optionalString(row.tenant); raw(",")
        key("actors"); json(row.actorsJSON); raw(",")
        key("data"); json(row.dataJSON); raw(",")
        key("blocks"); json(row.blocksJSON)
        raw("}")
    }

    /// A feed page, in the shape of `FeedPage`.
    mutating func feedPage(_ page: FeedReader.Page) {
        raw("{"); key("entries"); raw("[")
        let fingerprint = page.feed.fingerprint
        for (index, row) in page.rows.enumerated() {
            if index > 0 { raw(",") }
            item(row, feed: page.feed, fingerprint: fingerprint)
        }
        raw("],"); key("meta"); raw("{")
        key("total_count"); int(page.meta.totalCount); raw(",")
        key("unread_count"); int(page.meta.unreadCount); raw(",")
        key("unseen_count"); int(page.meta.unseenCount); raw(",")
        key("marked_seen"); int(page.meta.markedSeen); raw(",")
        key("updates_cursor"); string(page.meta.updatesCursor)
        raw("},"); key("page_info"); raw("{")
        key("after"); optionalString(page.pageInfo.after); raw(",")
        key("before"); optionalString(page.pageInfo.before); raw(",")
        key("page_size"); int(page.pageInfo.pageSize)
        raw("}}")
    }
}
