import GRDB

extension AppDatabase {
    /// Bulk operations: their progress is stored so a restart resumes them.
    static let schemaV2 = """
        CREATE TABLE bulk_operation (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token INTEGER NOT NULL,
            action TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            filter TEXT NOT NULL,
            created_by TEXT,
            status TEXT NOT NULL,
            estimated_total_rows INTEGER NOT NULL,
            processed_rows INTEGER NOT NULL DEFAULT 0,
            max_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            inserted_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE INDEX bulk_operation_status ON bulk_operation (status);
        -- Rows changed per feed so far: one feed.bulk_updated per affected feed at the end.
        CREATE TABLE bulk_operation_feed (
            operation_id INTEGER NOT NULL,
            feed_id INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            PRIMARY KEY (operation_id, feed_id)
        ) WITHOUT ROWID;
        """
}
