import Foundation
import TidingsAPI
import TidingsClient

/// Renders wire objects as lines for people: one line per feed item (read and seen markers,
/// age, id, the first block's text), a counts footer, one line per watch event.
struct HumanFormat {
    let style: Style
    let now: Date
    /// The longest text shown for a message before it is cut with `…`.
    var textWidth = 64

    init(style: Style = .forStdout, now: Date = Date()) {
        self.style = style
        self.now = now
    }

    /// `●` unread, `new` unseen, then age, id, text and tags.
    func row(_ item: FeedItem) -> String {
        let unread = item.readAt == nil
        let marker = unread ? style.blue("●") : " "
        let seen = item.seenAt == nil ? style.yellow("new") : "   "
        let age = Self.padded(timeAgo(item.insertedAt), 8)
        var text = excerpt(item)
        if unread { text = style.bold(text) }
        var tags = [String]()
        if let source = item.source?.key { tags.append(source) }
        if let tenant = item.tenant { tags.append("tenant \(tenant)") }
        if item.archivedAt != nil { tags.append("archived") }
        if item.interactedAt != nil { tags.append("interacted") }
        let suffix = tags.isEmpty ? "" : "  " + style.dim(tags.joined(separator: " · "))
        return "\(marker) \(seen) \(style.dim(age)) \(item.id)  \(text)\(suffix)"
    }

    /// `12 messages · 3 unread · 0 unseen`, and how many this read marked seen.
    func footer(_ meta: FeedPage.Meta) -> String {
        var parts = [
            "\(meta.totalCount) message\(meta.totalCount == 1 ? "" : "s")",
            style.bold("\(meta.unreadCount) unread"), "\(meta.unseenCount) unseen",
        ]
        if meta.markedSeen > 0 { parts.append("marked \(meta.markedSeen) seen") }
        return parts.joined(separator: " · ")
    }

    /// One watch event: local time, kind, and the message or bulk operation it concerns.
    func event(_ event: FeedEvent) -> String {
        let time = style.dim(clock(event.insertedAt))
        switch event.type {
        case .messageCreated, .messageUpdated:
            let kind = event.type == .messageCreated ? style.green("created") : style.blue("updated")
            guard let item = event.message else { return "\(time) \(kind)" }
            let flags = item.engagementStatuses.isEmpty ? "unseen" : item.engagementStatuses.joined(separator: ", ")
            return "\(time) \(kind) \(item.id)  \(excerpt(item))  \(style.dim("[\(flags)]"))"
        case .feedBulkUpdated:
            let detail = event.bulk.map { "\($0.action), \($0.rows) message\($0.rows == 1 ? "" : "s")" } ?? ""
            return "\(time) \(style.yellow("bulk   ")) \(detail)"
        }
    }

    /// A bulk operation's id, name, status and progress.
    func bulk(_ operation: BulkOperation) -> String {
        let status =
            switch operation.status {
            case .completed: style.green("completed")
            case .failed: style.red("failed")
            case .queued, .processing: style.yellow(operation.status.rawValue)
            }
        return "\(operation.id)  \(operation.name)  \(status)  "
            + "\(operation.processedRows) of \(operation.estimatedTotalRows) messages"
    }

    /// The first block's text on one line, cut to `textWidth`: its rendering with the
    /// markup taken out, so `**Ann** replied` shows as `Ann replied`.
    func excerpt(_ item: FeedItem) -> String {
        guard let block = item.blocks.first else { return "" }
        let text = Self.plainText(fromHTML: block.rendered)
        let flat = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return flat.count > textWidth ? String(flat.prefix(textWidth - 1)) + "…" : flat
    }

    /// HTML without its tags (block-level ones become spaces), with the entities the
    /// server's renderer writes decoded.
    static func plainText(fromHTML html: String) -> String {
        let blockTags: Set<String> = [
            "p", "br", "li", "ul", "ol", "div", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        ]
        var text = ""
        var tag: String?
        for character in html {
            switch (character, tag) {
            case ("<", nil): tag = ""
            case (">", .some(let name)):
                let bare = name.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                if blockTags.contains(bare) { text.append(" ") }
                tag = nil
            case (_, .some(let name)): tag = name + String(character)
            case (_, nil): text.append(character)
            }
        }
        let entities = [
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&"),
        ]
        return entities.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// `now`, `42s ago`, `5m ago`, `3h ago`, `4d ago`, or the date for anything older.
    func timeAgo(_ timestamp: String) -> String {
        guard let date = Date(rfc3339: timestamp) else { return timestamp }
        let seconds = Int(now.timeIntervalSince(date))
        switch seconds {
        case ..<5: return "now"
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86_400: return "\(seconds / 3600)h ago"
        case ..<(30 * 86_400): return "\(seconds / 86_400)d ago"
        default: return String(timestamp.prefix(10))
        }
    }

    /// The local wall-clock time of a timestamp, `HH:mm:ss`.
    func clock(_ timestamp: String) -> String {
        guard let date = Date(rfc3339: timestamp) else { return timestamp }
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
