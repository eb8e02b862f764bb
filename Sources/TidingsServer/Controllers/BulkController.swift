import Hummingbird
import TidingsAPI
import TidingsCore
import TidingsStore

/// Bulk engagement by filter over a channel, and the progress of bulk operations.
struct BulkController: Sendable {
    /// Operations expected to change more rows than this continue in the background.
    static let inlineRowLimit = 5000

    let database: AppDatabase
    let runner: BulkRunner
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("channels/{channel_id}/messages/bulk/{action}", use: start)
            .rejectMethods(on: "channels/{channel_id}/messages/bulk/{action}", except: [.post])
        group.get("bulk_operations/{id}", use: status).rejectMethods(on: "bulk_operations/{id}", except: [.get])
    }

    @Sendable func start(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let channelID = try context.parameters.decoded("channel_id", invalid: .invalidChannelID)
        guard Identifiers.isValidChannelID(channelID) else { throw TidingsErrorResponse(.invalidChannelID) }
        let name = try context.parameters.decoded("action", invalid: .routeNotFound)
        guard let action = EngagementAction(pathComponent: name, allowAliases: true) else {
            throw TidingsErrorResponse(.invalidParameter("action", "Unknown bulk action \(name.debugDescription)."))
        }
        let body = try await request.optionalJSONBody() ?? .object([:])
        var filter: BulkFilter
        do {
            filter = try EngagementValidator.bulkFilter(body)
        } catch {
            throw TidingsErrorResponse(error)
        }
        if let user = context.caller.restrictedUser {
            guard filter.userIDs == nil || filter.userIDs == [user] else {
                throw TidingsErrorResponse(.forbidden("A user token can only change its own user's messages."))
            }
            filter.userIDs = [user]
        }
        let operation = try await database.startBulk(
            action, channelID: channelID, filter: filter, createdBy: context.caller.restrictedUser)
        if operation.estimatedTotalRows <= Self.inlineRowLimit,
            let finished = try await database.runBulk(operation.id), finished.status == .completed
        {
            metrics.bulkRowsProcessed(action.rawValue, count: finished.processedRows)
            return try Response.json(finished)
        }
        await runner.enqueue(operation.id)
        return try Response.json(operation, status: .accepted)
    }

    @Sendable func status(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.decoded("id", invalid: .routeNotFound)
        guard let operation = try await database.bulkOperation(id, visibleTo: context.caller.restrictedUser) else {
            throw TidingsErrorResponse(.bulkOperationNotFound)
        }
        return try Response.json(operation)
    }
}
