import GRDB

extension AppDatabase {
    /// Every schema change, in order. A released migration is never edited: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: feeds, messages, update stream, timeline, idempotency") { db in
            try db.execute(sql: schemaV1)
        }
        migrator.registerMigration("v2: bulk operations") { db in
            try db.execute(sql: schemaV2)
        }
        migrator.registerMigration("v3: bulk operations walk feeds and count feeds once per chunk") { db in
            try db.execute(sql: schemaV3)
        }
        migrator.registerMigration("v4: creates count their feeds in one statement; no stream index on time") { db in
            try db.execute(sql: schemaV4)
        }
        migrator.registerMigration("v5: feeds count their stream entries") { db in
            try db.execute(sql: schemaV5)
        }
        return migrator
    }
}

/// Feeds carry their counters; triggers keep them exact in the same transaction as every
/// change to a message, whichever code path makes it (since v4, inserts excepted: the one
/// statement that inserts messages counts them itself, see `schemaV4`).
private let schemaV1 = """
    CREATE TABLE feed (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        total_all INTEGER NOT NULL DEFAULT 0,
        unread_all INTEGER NOT NULL DEFAULT 0,
        unseen_all INTEGER NOT NULL DEFAULT 0,
        total_archived INTEGER NOT NULL DEFAULT 0,
        unread_archived INTEGER NOT NULL DEFAULT 0,
        unseen_archived INTEGER NOT NULL DEFAULT 0,
        -- the highest update-stream position pruned from this feed; older cursors are expired
        pruned_through INTEGER NOT NULL DEFAULT 0,
        UNIQUE (user_id, channel_id)
    );
    CREATE INDEX feed_channel ON feed (channel_id);

    -- Content shared by every recipient of one create request.
    CREATE TABLE message_content (
        id INTEGER PRIMARY KEY,
        actors TEXT NOT NULL,
        data TEXT NOT NULL,
        blocks TEXT NOT NULL
    );

    CREATE TABLE message (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        token INTEGER NOT NULL,
        feed_id INTEGER NOT NULL REFERENCES feed (id),
        content_id INTEGER NOT NULL REFERENCES message_content (id),
        inserted_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        seen_at INTEGER,
        read_at INTEGER,
        interacted_at INTEGER,
        archived_at INTEGER,
        link_clicked_at INTEGER,
        source TEXT,
        tenant TEXT
    );
    CREATE INDEX message_feed ON message (feed_id, seq);
    CREATE INDEX message_feed_source ON message (feed_id, source, seq) WHERE source IS NOT NULL;
    CREATE INDEX message_feed_tenant ON message (feed_id, tenant, seq) WHERE tenant IS NOT NULL;

    CREATE TRIGGER message_counts_insert AFTER INSERT ON message BEGIN
        UPDATE feed SET
            total_all = total_all + 1,
            unread_all = unread_all + (NEW.read_at IS NULL),
            unseen_all = unseen_all + (NEW.seen_at IS NULL),
            total_archived = total_archived + (NEW.archived_at IS NOT NULL),
            unread_archived = unread_archived + (NEW.archived_at IS NOT NULL AND NEW.read_at IS NULL),
            unseen_archived = unseen_archived + (NEW.archived_at IS NOT NULL AND NEW.seen_at IS NULL)
        WHERE id = NEW.feed_id;
    END;

    CREATE TRIGGER message_counts_update AFTER UPDATE OF seen_at, read_at, archived_at ON message
    WHEN (OLD.seen_at IS NULL) <> (NEW.seen_at IS NULL)
      OR (OLD.read_at IS NULL) <> (NEW.read_at IS NULL)
      OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL)
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

    CREATE TRIGGER message_counts_delete AFTER DELETE ON message BEGIN
        UPDATE feed SET
            total_all = total_all - 1,
            unread_all = unread_all - (OLD.read_at IS NULL),
            unseen_all = unseen_all - (OLD.seen_at IS NULL),
            total_archived = total_archived - (OLD.archived_at IS NOT NULL),
            unread_archived = unread_archived - (OLD.archived_at IS NOT NULL AND OLD.read_at IS NULL),
            unseen_archived = unseen_archived - (OLD.archived_at IS NOT NULL AND OLD.seen_at IS NULL)
        WHERE id = OLD.feed_id;
    END;

    -- The update stream: every change to a feed, in commit order (positions are global).
    -- kind: 0 message.created, 1 message.updated, 2 feed.bulk_updated
    CREATE TABLE feed_update (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        feed_id INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        message_seq INTEGER,
        bulk_action TEXT,
        bulk_rows INTEGER,
        inserted_at INTEGER NOT NULL
    );
    CREATE INDEX feed_update_feed ON feed_update (feed_id, position);
    CREATE INDEX feed_update_time ON feed_update (inserted_at);

    -- The timeline of each message's engagement changes (message.created is the message itself).
    CREATE TABLE message_event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        inserted_at INTEGER NOT NULL,
        data TEXT
    );
    CREATE INDEX message_event_message ON message_event (message_seq, id);

    CREATE TABLE idempotency_key (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        body_hash BLOB NOT NULL,
        response BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
    """
