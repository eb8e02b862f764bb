import Hummingbird

/// The OpenAPI 3.1 description of the API, served at `GET /openapi.yaml`. A test checks that
/// its paths and methods are exactly the routes the router registers.
enum OpenAPIDocument {
    static var yaml: String { header + feedPaths + messagePaths + operationPaths + components }

    static let header = """
        openapi: 3.1.0
        info:
          title: Tidings
          version: 1.0.0
          description: |
            A self-hosted in-app notification feed server. Choices the contract leaves open:
            - User ids may hold any character but control characters; percent-encode them in paths.
            - `text` blocks render as HTML-escaped text (no wrapping element); Markdown is rendered by a
              restricted renderer: raw HTML is escaped, links are http(s)/mailto only, images become text.
            - An update event carries the message as it is when the poll is answered.
            - An unknown message id and another user's message id are both `404 message_not_found`.
            - An unknown engagement action in a path is `400 invalid_action`.
            - Bulk operations expected to change more than 5,000 rows answer `202` and run in the background.
            - Connections are kept alive. A long poll that waits on a connection that carried other kinds of
              request first is answered, error or not, with `Connection: close` and its connection closes after it
              (disconnects are detected by reading that connection to its end); open polls on connections of their
              own.
            - An `Idempotency-Key` is scoped to the API key that sent it, not to the channel: the same key with the
              same body on another channel replays the first answer (use distinct keys per channel).
            - `429`/`503` carry `Retry-After` in seconds. The poll limits count polls that wait: a poll over a limit
              whose cursor already has events (or `timeout=0`) is answered.
            - A poll's `timeout` is decimal seconds (`25`, `2.5`); hex, exponents and the like are `400 invalid_timeout`.
            - A `since` cursor ahead of the update stream (from data since restored or reset) is `410 cursor_expired`,
              recovered from like an expired one: reload the feed and continue from its `updates_cursor`.
            - HTTP/1.0 connections close after their answer; `Expect: 100-continue` is answered at once.
            - `HEAD` is answered wherever `GET` is, with `GET`'s headers and no content. It is safe: a feed read by
              `HEAD` marks nothing seen, and a poll by `HEAD` answers at once.
            - A client that half-closes gets every answer it asked for, a waiting poll's at once (no events, the
              same cursor), then the connection closes. Bytes after a poll that are no request: the poll is
              answered first, then a bare `400`, and the connection closes.
            - `data`, `actor` and interaction metadata come back as sent: integers that fit 64 bits stay exact.
            - A user token's `nbf`, when present, is honoured: before it the token is `401`.
            - CORS is off unless the server is started with `--cors-origin`; then preflights (`OPTIONS`) from an
              allowed origin are `204`, and every answer to it (long polls and errors included) carries
              `Access-Control-Allow-Origin` and exposes `Retry-After`, `Idempotent-Replayed`, `WWW-Authenticate`.
            - A request body that breaks HTTP framing (a bad chunk, a connection that ends inside it) is
              `400 malformed_body` with `Connection: close`; a broken request head gets the HTTP layer's bare `400`.
            - Where a body is optional (engagement metadata, bulk filters), a body sent without
              `Content-Type: application/json`, by length or in chunks, is `415`, never taken for an absent one.
              A body that is there must be a JSON object (`422 invalid_body` otherwise).
            - A chunked body that grows past 256 KiB is `413 body_too_large` with `Connection: close`.
            - Query parameter names and values are both percent-decoded; a repeated name keeps its last value.
            - A bulk filter may name its users `user_ids` or `recipient_ids`, not both (`422 invalid_user_ids`).
            - Times in bulk filters are RFC 3339; digits past milliseconds are truncated, and a day the month
              does not have is `422`.
        servers:
          - url: http://127.0.0.1:8080
        security:
          - bearer: []

        """

    /// `GET /openapi.yaml`.
    struct Controller: Sendable {
        func addRoutes(to router: Router<TidingsRequestContext>) {
            router.get("openapi.yaml") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
            }
            .rejectMethods(on: "openapi.yaml", except: [.get])
        }
    }
}
