import Hummingbird

/// `HEAD` is `GET` without content (RFC 9110 §9.3.2): the server routes it as `GET` and
/// drops the content. It must stay safe, so while one is answered (`isActive`) a feed read
/// only peeks (never marks seen) and a poll answers at once (never waits).
enum HeadRequest {
    @TaskLocal static var isActive = false

    /// `request` as the `GET` its `HEAD` stands for; any other request as it is.
    static func routed(_ request: Request) -> Request {
        guard request.method == .head else { return request }
        var head = request.head
        head.method = .get
        return Request(head: head, body: request.body)
    }
}
