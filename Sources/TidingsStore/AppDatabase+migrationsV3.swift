import GRDB

extension AppDatabase {
    /// Bulk operations in one pass per chunk (measured in BENCHMARKS.md, "Channel-wide bulk"):
    ///
    /// - `feed_cursor`: an operation over a few feeds (a user's mark-all-read, a small channel)
    ///   walks each feed's `message_feed` index instead of the whole table in `seq` order.
    ///   NULL keeps the `seq` walk, which is what operations started before v3 do.
    /// - `bulk_operation_chunk`: each chunk's timeline events have consecutive ids, so one row
    ///   per chunk says which messages it changed; the rows per feed (for `feed.bulk_updated`)
    ///   are counted from them once, at the end, outside the write lock. Operations started
    ///   before v3 keep their `bulk_operation_feed` rows, which the end adds in.
    /// - `feed_counts_deferral`: a bulk chunk adds its changes to the feed counters once per
    ///   feed instead of once per message. It sets `active` and clears it again inside its own
    ///   transaction, so every committed state has `active = 0` and the trigger counts every
    ///   other change exactly as v1's did.
    static let schemaV3 = """
        ALTER TABLE bulk_operation ADD COLUMN feed_cursor INTEGER;
        CREATE TABLE bulk_operation_chunk (
            operation_id INTEGER NOT NULL,
            first_event_id INTEGER NOT NULL,
            last_event_id INTEGER NOT NULL,
            PRIMARY KEY (operation_id, first_event_id)
        ) WITHOUT ROWID;
        CREATE TABLE feed_counts_deferral (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            active INTEGER NOT NULL
        );
        INSERT INTO feed_counts_deferral (id, active) VALUES (1, 0);

        DROP TRIGGER message_counts_update;
        CREATE TRIGGER message_counts_update AFTER UPDATE OF seen_at, read_at, archived_at ON message
        WHEN ((OLD.seen_at IS NULL) <> (NEW.seen_at IS NULL)
          OR (OLD.read_at IS NULL) <> (NEW.read_at IS NULL)
          OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
          AND (SELECT active FROM feed_counts_deferral WHERE id = 1) = 0
        BEGIN
            UPDATE feed SET
                unread_all = unread_all + (NEW.read_at IS NULL) - (OLD.read_at IS NULL),
                unseen_all = unseen_all + (NEW.seen_at IS NULL) - (OLD.seen_at IS NULL),
                total_archived = total_archived + (NEW.archived_at IS NOT NULL) - (OLD.archived_at IS NOT NULL),
                unread_archived = unread_archived
                    + (NEW.archived_at IS NOT NULL AND NEW.read_at IS NULL)
                    - (OLD.archived_at IS NOT NULL AND OLD.read_at IS NULL),
                unseen_archived = unseen_archived
                    + (NEW.archived_at IS NOT NULL AND NEW.seen_at IS NULL)
                    - (OLD.archived_at IS NOT NULL AND OLD.seen_at IS NULL)
            WHERE id = NEW.feed_id;
        END;
        """
}
