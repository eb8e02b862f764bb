import Foundation
import TidingsAPI

extension TidingsClient {
    /// The most message ids one batch call may name.
    public static let maximumBatchSize = 1000

    /// `PUT` or `DELETE /v1/messages/{id}/{seen|read|archived}`, or
    /// `PUT /v1/messages/{id}/interacted` (with optional `metadata`): the item after the change.
    public func setEngagement(
        _ action: EngagementAction, messageID: String, metadata: [String: JSONValue]? = nil
    ) async throws -> FeedItem {
        let method = action.sets ? "PUT" : "DELETE"
        let body =
            action == .interacted && metadata != nil ? try Self.encode(InteractedRequest(metadata: metadata)) : nil
        return try await send(FeedItem.self, method, ["v1", "messages", messageID, action.flag], body: body)
    }

    /// `GET /v1/messages/{id}`: one feed item.
    public func message(id: String) async throws -> FeedItem {
        try await send(FeedItem.self, "GET", ["v1", "messages", id])
    }

    /// `GET /v1/messages/{id}/events`: the message's timeline, oldest first.
    public func messageEvents(id: String) async throws -> [MessageEvent] {
        try await send(MessageEventList.self, "GET", ["v1", "messages", id, "events"]).items
    }

    /// `POST /v1/messages/batch/{action}`: the items that exist and the caller may see,
    /// after the change. More than `maximumBatchSize` ids are sent in several calls.
    public func batch(
        _ action: EngagementAction, messageIDs: [String], metadata: [String: JSONValue]? = nil
    ) async throws -> [FeedItem] {
        var updated = [FeedItem]()
        var start = messageIDs.startIndex
        while start < messageIDs.endIndex {
            let end = min(start + Self.maximumBatchSize, messageIDs.endIndex)
            let body = try Self.encode(BatchRequest(messageIDs: Array(messageIDs[start..<end]), metadata: metadata))
            updated += try await send(
                [FeedItem].self, "POST", ["v1", "messages", "batch", action.rawValue], body: body)
            start = end
        }
        return updated
    }

    /// `POST /v1/channels/{channel}/messages/bulk/{action}`: changes every matching message.
    /// The operation is `completed` when it finished within the request; otherwise follow it
    /// with `bulkOperation(id:)`.
    public func bulk(_ action: EngagementAction, channel: String, filter: BulkRequest = BulkRequest()) async throws
        -> BulkOperation
    {
        try await send(
            BulkOperation.self, "POST", ["v1", "channels", channel, "messages", "bulk", action.rawValue],
            body: try Self.encode(filter))
    }

    /// `GET /v1/bulk_operations/{id}`: a bulk operation's progress.
    public func bulkOperation(id: String) async throws -> BulkOperation {
        try await send(BulkOperation.self, "GET", ["v1", "bulk_operations", id])
    }
}
