import Foundation
import NIOCore

/// The bodies of the creates a benchmark sends: recipients taken in turn from a pool of
/// users, and one small Markdown block (the same shape the Python harness sends).
public struct CreateBodies: Sendable {
    /// Each user id as a JSON string literal, quoted and escaped once.
    private let quotedUsers: [String]
    public let recipientsPerRequest: Int

    /// Bodies of `recipientsPerRequest` distinct recipients each, from `users` (at least
    /// that many).
    public init(users: [String], recipientsPerRequest: Int) {
        precondition(recipientsPerRequest >= 1 && recipientsPerRequest <= users.count)
        let encoder = JSONEncoder()
        quotedUsers = users.map { user in
            (try? encoder.encode(user)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        }
        self.recipientsPerRequest = recipientsPerRequest
    }

    /// The users of request `k`: the next `recipientsPerRequest` after request `k - 1`'s,
    /// wrapping around the pool, so every user gets the same share.
    public func recipients(ofRequest k: Int) -> [Int] {
        let start = (k % quotedUsers.count) * recipientsPerRequest % quotedUsers.count
        return (0..<recipientsPerRequest).map { (start + $0) % quotedUsers.count }
    }

    /// The JSON body of request `k`.
    public func body(ofRequest k: Int) -> ByteBuffer {
        let recipients = recipients(ofRequest: k).map { quotedUsers[$0] }.joined(separator: ",")
        return ByteBuffer(
            string: #"{"recipients":["# + recipients
                + #"],"source":"bench","blocks":[{"type":"markdown","name":"body","content":"**bench** message "#
                + String(k) + #""}]}"#)
    }
}
