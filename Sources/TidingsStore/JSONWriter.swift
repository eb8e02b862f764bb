import TidingsAPI
import TidingsCore

/// Writes the JSON of hot answers by hand, copying stored JSON (actors, data, blocks) in
/// as it is: decoding and re-encoding it with Foundation cost more than the whole query.
struct JSONWriter: ~Copyable {
    /// The answer so far: `count` bytes at `storage`, which holds `capacity`. A plain
    /// buffer, because an answer is some sixty small appends per item and `Array`'s checks
    /// on each were a tenth of a feed read.
    private var storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Ids, cursors and timestamps are formatted here first (reused, never reallocated).
    private var scratch = [UInt8]()
    /// The last timestamp written and where its 24 bytes are, to copy rather than format
    /// it again (an item's `updated_at` is usually its `inserted_at`).
    private var lastTime: (milliseconds: Int64, offset: Int)?

    init(capacity: Int = 16 * 1024) {
        self.capacity = max(64, capacity)
        storage = .allocate(capacity: self.capacity)
        scratch.reserveCapacity(64)
    }

    deinit { storage.deallocate() }

    /// The answer's bytes.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// Lends the answer's bytes without copying them.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Room for an answer carrying `rows`: their stored JSON plus the item's own fields, so
    /// the buffer grows at most rarely.
    static func estimate(_ rows: some Sequence<MessageRow>) -> Int {
        rows.reduce(512) { $0 + 640 + $1.actorsJSON.utf8.count + $1.dataJSON.utf8.count + $1.blocksJSON.utf8.count }
    }

    /// Makes room for `more` bytes: a check inlined into every append (as a call, it was
    /// 2 % of a feed read's CPU), and a growth that is not.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(toFit: more) }
    }

    @inline(never)
    private mutating func grow(toFit more: Int) {
        let grown = max(capacity * 2, count + more)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: storage, count: count)
        storage.deallocate()
        (storage, capacity) = (larger, grown)
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        reserve(buffer.count)
        (storage + count).update(from: base, count: buffer.count)
        count += buffer.count
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// Copies `scratch` in and empties it. It is moved out while copied, so emptying it
    /// keeps its one buffer (a second reference would make `removeAll` allocate anew).
    private mutating func flushScratch() {
        var formatted = [UInt8]()
        swap(&formatted, &scratch)
        formatted.withUnsafeBufferPointer { append($0) }
        formatted.removeAll(keepingCapacity: true)
        swap(&formatted, &scratch)
    }

    /// `strings` as a JSON array (to bind for `json_each`).
    static func array(_ strings: [String]) -> String {
        array(strings, capacity: 16 + strings.reduce(0) { $0 + $1.utf8.count + 3 }) { $0.string($1) }
    }

    /// `values` as a JSON array (to bind for `json_each`).
    static func array(_ values: [Int64]) -> String {
        array(values, capacity: 16 + values.count * 12) { $0.int($1) }
    }

    private static func array<Element>(
        _ elements: [Element], capacity: Int, write: (inout JSONWriter, Element) -> Void
    ) -> String {
        var writer = JSONWriter(capacity: capacity)
        writer.raw("[")
        for (index, element) in elements.enumerated() {
            if index > 0 { writer.raw(",") }
            write(&writer, element)
        }
        writer.raw("]")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// JSON punctuation and literals written by this code.
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// A stored text column holding JSON, copied in as it is (`null` for SQL NULL).
    private mutating func json(_ column: StoredText, of row: some StoredItem) {
        row.withText(column) { utf8 in
            if let utf8 { append(utf8) } else { raw("null") }
        }
    }

    mutating func int(_ value: some BinaryInteger) {
        if (0..<10).contains(value) {
            append(UInt8(ascii: "0") + UInt8(value))
        } else {
            var text = String(value)
            text.withUTF8 { append($0) }
        }
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { string(utf8: $0) }
    }

    /// A string from its UTF-8 bytes, quoted and escaped.
    private mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        // Most values need no escaping: copy them whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            append(utf8)
        } else {
            for byte in utf8 { escaped(byte) }
        }
        append(UInt8(ascii: "\""))
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
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0f)])
        default: append(byte)
        }
    }

    /// A message id, quoted (ids need no escaping).
    mutating func id(_ id: MessageID) {
        scratch.append(UInt8(ascii: "\""))
        id.append(to: &scratch)
        scratch.append(UInt8(ascii: "\""))
        flushScratch()
    }

    /// A cursor, quoted (base64url needs no escaping).
    mutating func cursor(_ cursor: FeedCursor) {
        scratch.append(UInt8(ascii: "\""))
        cursor.append(to: &scratch)
        scratch.append(UInt8(ascii: "\""))
        flushScratch()
    }

    mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// An object key; keys are the writer's own constants and need no escaping.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        let length = name.utf8CodeUnitCount
        reserve(length + 3)
        storage[count] = UInt8(ascii: "\"")
        (storage + count + 1).update(from: name.utf8Start, count: length)
        storage[count + 1 + length] = UInt8(ascii: "\"")
        storage[count + 2 + length] = UInt8(ascii: ":")
        count += length + 3
    }

    mutating func time(_ milliseconds: Int64?) {
        guard let milliseconds else { return raw("null") }
        append(UInt8(ascii: "\""))
        if let last = lastTime, last.milliseconds == milliseconds {
            reserve(24)
            (storage + count).update(from: storage + last.offset, count: 24)
            count += 24
        } else {
            let offset = count
            Timestamp(milliseconds: milliseconds).appendRFC3339(to: &scratch)
            let formatted = scratch.count
            flushScratch()
            lastTime = formatted == 24 ? (milliseconds, offset) : nil
        }
        append(UInt8(ascii: "\""))
    }

    /// One feed item, in the shape of `FeedItem`. `fingerprint` is the feed's (one per page).
    mutating func item(_ row: some StoredItem, feed: FeedKey, fingerprint: UInt64) {
        raw("{")
        key("id"); id(MessageID(sequence: row.sequence, token: row.token)); raw(",")
        key("__cursor"); cursor(FeedCursor(kind: .message, feedFingerprint: fingerprint, position: row.sequence))
        raw(",")
        key("channel_id"); string(feed.channelID); raw(",")
        key("recipient"); string(feed.userID); raw(",")
        if let tail = row.tail {
            tail.bytes.withUnsafeBufferPointer { append($0) }
        } else {
            itemTail(row)
        }
    }

    /// A feed item's fields from `inserted_at` to its closing brace: all but its identity.
    mutating func itemTail(_ row: some StoredItem) {
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
        status("\"seen\"", row.seenAt, first: &first)
        status("\"read\"", row.readAt, first: &first)
        status("\"interacted\"", row.interactedAt, first: &first)
        status("\"archived\"", row.archivedAt, first: &first)
        status("\"link_clicked\"", row.linkClickedAt, first: &first)
        raw("],")
        key("status"); raw("\"delivered\",")
        key("source")
        row.withText(.source) { source in
            if let source {
                raw("{"); key("key"); string(utf8: source); raw("}")
            } else {
                raw("null")
            }
        }
        raw(",")
        key("tenant")
        row.withText(.tenant) { tenant in
            if let tenant { string(utf8: tenant) } else { raw("null") }
        }
        raw(",")
        key("actors"); json(.actors, of: row); raw(",")
        key("data"); json(.data, of: row); raw(",")
        key("blocks"); json(.blocks, of: row)
        raw("}")
    }

    /// One of an item's `engagement_statuses` (quoted `name`) if its flag is set.
    private mutating func status(_ name: StaticString, _ value: Int64?, first: inout Bool) {
        guard value != nil else { return }
        if !first { raw(",") }
        first = false
        raw(name)
    }
}
