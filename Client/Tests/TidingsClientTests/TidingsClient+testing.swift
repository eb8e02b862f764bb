import TidingsAPI
import TidingsClient

extension TidingsClient {
    /// Sends one text message to each of `users` and returns the new ids, in order.
    @discardableResult
    func send(_ text: String, to users: [String], channel: String = "in-app", source: String? = nil) async throws
        -> [String]
    {
        let request = CreateMessagesRequest(
            recipients: users, source: source, blocks: [.init(type: .text, name: "body", content: text)])
        return try await createMessages(channel: channel, request).response.messages.map(\.id)
    }

    /// Sends `count` messages to `user`, one request each, and returns their ids oldest first.
    func sendMany(_ count: Int, to user: String, channel: String = "in-app") async throws -> [String] {
        var ids = [String]()
        for index in 1...count { ids += try await send("message \(index)", to: [user], channel: channel) }
        return ids
    }
}
