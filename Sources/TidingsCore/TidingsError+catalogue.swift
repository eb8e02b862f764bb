/// The catalogue: every error the API can answer with, in one place, so codes stay stable.
extension TidingsError {
    // 400
    public static func invalidParameter(_ name: String, _ message: String) -> TidingsError {
        TidingsError(status: 400, code: "invalid_\(name)", message: message)
    }
    public static let invalidJSON = TidingsError(status: 400, code: "invalid_json", message: "The request body is not valid JSON.")
    public static let invalidCursor = TidingsError(
        status: 400, code: "invalid_cursor", message: "The cursor is malformed or belongs to another feed.")
    public static let conflictingCursors = TidingsError(
        status: 400, code: "conflicting_cursors", message: "Give either `after` or `before`, not both.")
    public static let invalidUserID = TidingsError(
        status: 400, code: "invalid_user_id", message: "A user id is 1-256 bytes of UTF-8 with no control characters.")
    public static let invalidChannelID = TidingsError(
        status: 400, code: "invalid_channel_id", message: "A channel id is 1-64 characters of [A-Za-z0-9._-].")
    /// A body whose HTTP framing broke while it was read (a bad chunk, a connection that
    /// ended inside it): the connection cannot carry another request after it.
    public static let malformedBody = TidingsError(
        status: 400, code: "malformed_body",
        message: "The request body breaks HTTP framing (chunk sizes or lengths); the connection closes.")
    public static let invalidIdempotencyKey = TidingsError(
        status: 400, code: "invalid_idempotency_key", message: "Idempotency-Key must be 1-255 visible ASCII characters.")

    // 401, 403, 404, 405
    public static func unauthorized(_ message: String) -> TidingsError {
        TidingsError(status: 401, code: "unauthorized", message: message, headers: ["WWW-Authenticate": "Bearer"])
    }
    public static func forbidden(_ message: String) -> TidingsError {
        TidingsError(status: 403, code: "forbidden", message: message)
    }
    public static let routeNotFound = TidingsError(status: 404, code: "not_found", message: "No such route.")
    public static let messageNotFound = TidingsError(status: 404, code: "message_not_found", message: "No such message.")
    public static let bulkOperationNotFound = TidingsError(
        status: 404, code: "bulk_operation_not_found", message: "No such bulk operation.")
    public static func methodNotAllowed(allowed: [String]) -> TidingsError {
        TidingsError(
            status: 405, code: "method_not_allowed", message: "This route accepts \(allowed.joined(separator: ", ")).",
            headers: ["Allow": allowed.joined(separator: ", ")])
    }

    // 409, 413, 415, 422
    public static let idempotencyConflict = TidingsError(
        status: 409, code: "idempotency_conflict",
        message: "This Idempotency-Key was already used with a different request body.")
    public static func bodyTooLarge(limit: Int) -> TidingsError {
        TidingsError(status: 413, code: "body_too_large", message: "The request body is larger than \(limit) bytes.")
    }
    public static let unsupportedMediaType = TidingsError(
        status: 415, code: "unsupported_media_type", message: "The request body must be application/json.")
    public static func invalidField(_ field: String, _ message: String) -> TidingsError {
        TidingsError(status: 422, code: "invalid_\(field)", message: message)
    }

    // 410
    public static let cursorExpired = TidingsError(
        status: 410, code: "cursor_expired",
        message: "The cursor is older than the retained update stream: reload the feed and continue from its updates_cursor.")
    /// A cursor past the newest position this server ever gave out: the data was restored or
    /// reset since. The client recovers as from an expired one.
    public static let cursorAhead = TidingsError(
        status: 410, code: "cursor_expired",
        message: "The cursor is ahead of this server's update stream (its data was restored or reset): "
            + "reload the feed and continue from its updates_cursor.")

    // 429, 503
    public static func tooManyRequests(_ message: String, retryAfter: Int) -> TidingsError {
        TidingsError(status: 429, code: "too_many_requests", message: message, retryAfter: retryAfter)
    }
    public static func unavailable(_ message: String, retryAfter: Int) -> TidingsError {
        TidingsError(status: 503, code: "unavailable", message: message, retryAfter: retryAfter)
    }
    /// An unexpected failure inside the server; its detail goes to the log, not the client.
    public static let internalError = TidingsError(
        status: 500, code: "internal_error", message: "The server failed to handle the request.")
}
