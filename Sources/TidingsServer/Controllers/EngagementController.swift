import HTTPTypes
import Hummingbird
import TidingsAPI
import TidingsCore
import TidingsStore

/// Per-message engagement, the message itself, its timeline, and batches by id.
struct EngagementController: Sendable {
    let database: AppDatabase
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("messages/{id}", use: message).rejectMethods(on: "messages/{id}", except: [.get])
        group.get("messages/{id}/events", use: events).rejectMethods(on: "messages/{id}/events", except: [.get])
        for (flag, set, clear) in [("seen", EngagementAction.seen, EngagementAction.unseen), ("read", .read, .unread),
            ("archived", .archived, .unarchived)]
        {
            group.put("messages/{id}/\(flag)") { request, context in try await change(set, request, context) }
            group.delete("messages/{id}/\(flag)") { request, context in try await change(clear, request, context) }
            group.rejectMethods(on: "messages/{id}/\(flag)", except: [.put, .delete])
        }
        group.put("messages/{id}/interacted") { request, context in try await change(.interacted, request, context) }
            .rejectMethods(on: "messages/{id}/interacted", except: [.put])
        group.post("messages/batch/{action}", use: batch).rejectMethods(on: "messages/batch/{action}", except: [.post])
        // Any other action on a message is `400 invalid_action`, as on the batch and bulk paths
        // (the named routes above take precedence over this one).
        for method in [HTTPRequest.Method.put, .delete, .post] {
            group.on("messages/{id}/{action}", method: method) { _, context -> Response in
                let name = try context.parameters.decoded("action", invalid: .routeNotFound)
                throw TidingsErrorResponse(.invalidParameter("action", "Unknown action \(name.debugDescription)."))
            }
        }
    }

    @Sendable func message(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.decoded("id", invalid: .messageNotFound)
        guard let item = try await database.message(id, visibleTo: context.caller.restrictedUser) else {
            throw TidingsErrorResponse(.messageNotFound)
        }
        return try Response.json(item)
    }

    @Sendable func events(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.decoded("id", invalid: .messageNotFound)
        guard let events = try await database.events(of: id, visibleTo: context.caller.restrictedUser) else {
            throw TidingsErrorResponse(.messageNotFound)
        }
        return try Response.json(MessageEventList(items: events))
    }

    func change(_ action: EngagementAction, _ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.decoded("id", invalid: .messageNotFound)
        let metadata = action == .interacted ? try await Self.metadata(request) : nil
        let items = try await database.applyEngagement(
            action, to: [id], visibleTo: context.caller.restrictedUser, metadata: metadata)
        guard let item = items.first else { throw TidingsErrorResponse(.messageNotFound) }
        metrics.engagementChanged(action.rawValue, count: 1)
        return try Response.json(item)
    }

    @Sendable func batch(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.decoded("action", invalid: .routeNotFound)
        guard let action = EngagementAction(pathComponent: name) else {
            throw TidingsErrorResponse(.invalidParameter("action", "Unknown action \(name.debugDescription)."))
        }
        let body = try JSONValue.parse(try await request.jsonBodyBytes())
        let ids: [String]
        let metadata: String?
        do {
            ids = try EngagementValidator.messageIDs(body)
            metadata = action == .interacted ? try EngagementValidator.metadataJSON(body["metadata"]) : nil
        } catch {
            throw TidingsErrorResponse(error)
        }
        let items = try await database.applyEngagement(
            action, to: ids, visibleTo: context.caller.restrictedUser, metadata: metadata)
        metrics.engagementChanged(action.rawValue, count: items.count)
        return try Response.json(items)
    }

    /// The optional `{"metadata": {…}}` body of `PUT …/interacted`: absent, or an object.
    static func metadata(_ request: Request) async throws -> String? {
        guard let body = try await request.optionalJSONBody() else { return nil }
        do throws(TidingsError) {
            guard body.objectValue != nil else { throw .invalidField("body", "The body must be a JSON object.") }
            return try EngagementValidator.metadataJSON(body["metadata"])
        } catch {
            throw TidingsErrorResponse(error)
        }
    }
}

extension Caller {
    /// The user whose messages alone this caller may see; `nil` for a secret key.
    var restrictedUser: String? {
        switch self {
        case .backend: nil
        case .user(let user): user
        }
    }
}
