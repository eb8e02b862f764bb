import Hummingbird
import TidingsAPI
import TidingsCore
import TidingsStore

/// `GET /v1/users/{user_id}/feeds/{channel_id}`: a page of a user's feed, marking what it
/// shows as seen.
struct FeedsController: Sendable {
    let database: AppDatabase

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("users/{user_id}/feeds/{channel_id}", use: read)
            .rejectMethods(on: "users/{user_id}/feeds/{channel_id}", except: [.get])
    }

    @Sendable func read(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let feed = try Self.feedKey(context)
        var query: FeedQuery
        do {
            query = try FeedQuery(feed: feed, parameters: request.queryDictionary)
            if HeadRequest.isActive { query.markSeen = false }  // HEAD is safe: a peek
        } catch {
            throw TidingsErrorResponse(error)
        }
        return Response.json(bytes: try await database.readFeedJSON(query))
    }

    /// The feed named by the path, after checking the caller may see it (`403` for another
    /// user's feed with a user token).
    static func feedKey(_ context: AuthenticatedContext) throws -> FeedKey {
        let userID = try context.parameters.decoded("user_id", invalid: .invalidUserID)
        let channelID = try context.parameters.decoded("channel_id", invalid: .invalidChannelID)
        guard Identifiers.isValidUserID(userID) else { throw TidingsErrorResponse(.invalidUserID) }
        guard Identifiers.isValidChannelID(channelID) else { throw TidingsErrorResponse(.invalidChannelID) }
        guard context.caller.mayAccess(user: userID) else {
            throw TidingsErrorResponse(.forbidden("A user token can only read its own user's feeds."))
        }
        return FeedKey(userID: userID, channelID: channelID)
    }
}
