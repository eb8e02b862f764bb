import TidingsAPI

extension JSONWriter {
    /// A feed page, in the shape of `FeedPage`.
    mutating func feedPage(_ page: FeedReader.Page) {
        feedPageStart()
        let fingerprint = page.feed.fingerprint
        for (index, row) in page.rows.enumerated() {
            if index > 0 { raw(",") }
            item(row, feed: page.feed, fingerprint: fingerprint)
        }
        feedPageEnd(meta: page.meta, pageInfo: page.pageInfo)
    }

    /// A feed page up to its first entry (`FeedReader.renderedPage` writes the entries).
    mutating func feedPageStart() {
        raw("{"); key("entries"); raw("[")
    }

    /// A feed page from after its last entry.
    mutating func feedPageEnd(meta: FeedPage.Meta, pageInfo: FeedPage.PageInfo) {
        raw("],"); key("meta"); raw("{")
        key("total_count"); int(meta.totalCount); raw(",")
        key("unread_count"); int(meta.unreadCount); raw(",")
        key("unseen_count"); int(meta.unseenCount); raw(",")
        key("marked_seen"); int(meta.markedSeen); raw(",")
        key("updates_cursor"); string(meta.updatesCursor)
        raw("},"); key("page_info"); raw("{")
        key("after"); optionalString(pageInfo.after); raw(",")
        key("before"); optionalString(pageInfo.before); raw(",")
        key("page_size"); int(pageInfo.pageSize)
        raw("}}")
    }
}
