import TidingsCore

/// A validated create request, ready to store: the same content for every recipient.
public struct NewMessages: Sendable {
    public var channelID: String
    public var recipients: [String]
    public var source: String?
    public var tenant: String?
    /// Pre-encoded JSON of the content, stored once and shared by every recipient.
    public var actorsJSON: String
    public var dataJSON: String
    public var blocksJSON: String

    public init(
        channelID: String, recipients: [String], source: String?, tenant: String?, actorsJSON: String,
        dataJSON: String, blocksJSON: String
    ) {
        self.channelID = channelID
        self.recipients = recipients
        self.source = source
        self.tenant = tenant
        self.actorsJSON = actorsJSON
        self.dataJSON = dataJSON
        self.blocksJSON = blocksJSON
    }
}

/// An `Idempotency-Key` as the store keeps it: scoped to the credential that sent it,
/// with a digest of the exact request body.
public struct IdempotencyClaim: Sendable {
    public var scope: String
    public var key: String
    public var bodyDigest: [UInt8]

    public init(scope: String, key: String, bodyDigest: [UInt8]) {
        self.scope = scope
        self.key = key
        self.bodyDigest = bodyDigest
    }

    /// How long a key is remembered.
    public static let retentionMilliseconds: Int64 = 24 * 3600 * 1000
}

/// What a create did: stored new messages, or found the same request already done.
public enum CreateOutcome: Sendable {
    /// New messages; `body` is the `201` JSON, also kept for replays.
    case created(body: [UInt8])
    /// The original answer to an earlier identical request.
    case replayed(body: [UInt8])
}
