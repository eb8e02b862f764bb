import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TidingsAPI
import TidingsCore
import TidingsStore

/// `POST /v1/channels/{channel_id}/messages`: backends put messages into feeds.
struct MessagesController: Sendable {
    let database: AppDatabase
    let validator: CreateMessagesValidator
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("channels/{channel_id}/messages", use: create)
            .rejectMethods(on: "channels/{channel_id}/messages", except: [.post])
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard case .backend(let keyScope) = context.caller else {
            throw TidingsErrorResponse(.forbidden("Only a secret API key can create messages."))
        }
        let channelID = try context.parameters.decoded("channel_id", invalid: .invalidChannelID)
        guard Identifiers.isValidChannelID(channelID) else { throw TidingsErrorResponse(.invalidChannelID) }
        let claimKey = try Self.idempotencyKey(request)
        let bytes = try await request.jsonBodyBytes()
        let new: NewMessages
        do {
            new = try validator.validate(try CreateMessagesBody.parse(bytes), channelID: channelID)
        } catch let error as TidingsError {
            throw TidingsErrorResponse(error)
        }
        let claim = claimKey.map { key in
            IdempotencyClaim(
                scope: keyScope, key: key, bodyDigest: Array(SHA256.hash(data: Data(buffer: bytes))))
        }
        switch try await database.createMessages(new, idempotency: claim) {
        case .created(let body):
            metrics.messagesCreated(new.recipients.count)
            return Response.json(bytes: body, status: .created)
        case .replayed(let body):
            return Response.json(bytes: body, status: .ok, headers: [HTTPField.Name("Idempotent-Replayed")!: "true"])
        }
    }

    /// The `Idempotency-Key` header: 1–255 visible ASCII characters, or absent.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw TidingsErrorResponse(.invalidIdempotencyKey)
        }
        return key
    }
}
