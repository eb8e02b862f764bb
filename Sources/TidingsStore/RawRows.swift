import GRDB
import GRDBSQLite

/// Steps a statement through SQLite's C API and reads its columns in place. For the hot
/// reads (a woken poll's re-read, a feed's counters, a page of messages): GRDB's `Row`
/// costs an object and a column-name dictionary per fetch, which was more than the query
/// itself when a commit wakes a thousand polls.
///
/// The statement comes from GRDB's cache and is bound by GRDB; it is reset when this
/// value goes away, so the snapshot's read locks are not held by a finished statement.
struct RawRows: ~Copyable {
    private let handle: SQLiteStatement

    init(_ statement: Statement, arguments: StatementArguments) {
        statement.setUncheckedArguments(arguments)
        handle = statement.sqliteStatement
    }

    deinit { sqlite3_reset(handle) }

    /// Moves to the next row; `false` after the last one.
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                sql: String(cString: sqlite3_sql(handle)))
        }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// The current row, read in place, as the columns of `MessageRow.selection` from `offset`.
    /// Valid until the next `next()`.
    func messageRow(offset: Int32 = 0) -> StatementRow { StatementRow(handle: handle, offset: offset) }
}

/// The row a statement selecting `MessageRow.selection` stands on, each column read from
/// SQLite when asked for (see `RawRows.messageRow`).
struct StatementRow: StoredItem {
    fileprivate let handle: SQLiteStatement
    fileprivate let offset: Int32

    private func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, offset + column) }

    private func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, offset + column) == SQLITE_NULL ? nil : int64(column)
    }

    var sequence: Int64 { int64(0) }
    var token: Int64 { int64(1) }
    var insertedAt: Int64 { int64(2) }
    var updatedAt: Int64 { int64(3) }
    var seenAt: Int64? { optionalInt64(4) }
    var readAt: Int64? { optionalInt64(5) }
    var interactedAt: Int64? { optionalInt64(6) }
    var archivedAt: Int64? { optionalInt64(7) }
    var linkClickedAt: Int64? { optionalInt64(8) }
    var contentID: Int64 { int64(11) }
    var tail: RenderedTail? { nil }

    func withText<Result>(_ column: StoredText, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        let index: Int32
        switch column {
        case .source: index = offset + 9
        case .tenant: index = offset + 10
        case .actors: index = offset + 12
        case .data: index = offset + 13
        case .blocks: index = offset + 14
        }
        // SQLite answers NULL for a NULL column (and a pointer to "" for an empty text).
        guard let text = sqlite3_column_text(handle, index) else { return body(nil) }
        return body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index))))
    }
}
