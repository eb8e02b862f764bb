extension AppDatabase {
    /// Creates write less per recipient (measured in BENCHMARKS.md, "Run O"):
    ///
    /// - `message_counts_insert` goes: a create is the only statement that inserts messages,
    ///   and it adds to its recipients' counters in one statement (`insertMessages`). Every new
    ///   message is unread, unseen and not archived, so that statement adds one to `total_all`,
    ///   `unread_all` and `unseen_all` of each feed. The trigger ran a program per row; a
    ///   deferral flag in its `WHEN`, as bulk's update trigger has, cost as much as it saved.
    ///   Updates and deletes keep their triggers.
    /// - `feed_update_time` goes: age pruning finds the first entry young enough to keep and
    ///   removes the positions before it (`pruneUpdateStream`), which needs no index on time.
    static let schemaV4 = """
        DROP TRIGGER message_counts_insert;
        DROP INDEX feed_update_time;
        """
}
