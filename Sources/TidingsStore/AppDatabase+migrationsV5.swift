import GRDB

extension AppDatabase {
    /// Each feed counts the entries of its update stream (`stream_length`), kept exact by the
    /// statements that append and prune them. Retention finds the feeds past their length in
    /// the feed table; it counted the whole stream every minute instead, reading all of the
    /// stream's feed index (0.21 s per 3 million entries, and growing with what is retained).
    static let schemaV5 = """
        ALTER TABLE feed ADD COLUMN stream_length INTEGER NOT NULL DEFAULT 0;
        UPDATE feed SET stream_length = counted.entries
        FROM (SELECT feed_id, count(*) AS entries FROM feed_update GROUP BY feed_id) AS counted
        WHERE counted.feed_id = feed.id;
        """
}
