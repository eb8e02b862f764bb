/// Who is calling, once authenticated.
public enum Caller: Sendable, Equatable {
    /// A backend with a secret API key; `keyScope` identifies the key (idempotency scope)
    /// without revealing it.
    case backend(keyScope: String)
    /// A frontend with a user token for `userID`.
    case user(String)

    /// Whether this caller may act on the feeds and messages of `userID`.
    func mayAccess(user userID: String) -> Bool {
        switch self {
        case .backend: true
        case .user(let subject): subject == userID
        }
    }
}
