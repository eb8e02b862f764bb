import Logging

/// Everything `tidings serve` is told by its flags and environment (API.md section 10).
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var apiKeys: [String]
    public var signingSecret: String?
    public var maxPollsPerUser: Int
    public var maxPolls: Int
    public var logLevel: Logger.Level
    /// How long update-stream entries are kept (at least 24 h by default).
    public var updatesRetentionHours: Int
    /// How many update-stream entries each feed keeps at most.
    public var updatesMaxPerFeed: Int
    /// Seconds a client has to send a whole request (head and body) before its connection
    /// is closed; also how long an idle keep-alive connection stays open.
    public var requestTimeout: Int = 20
    /// Browser origins allowed to call the API (CORS): exact origins such as
    /// `https://app.example.com`, or `*` for any. Empty (the default): no CORS headers.
    public var corsOrigins: [String] = []

    /// The largest request body accepted (API.md section 4).
    public static let maxBodyBytes = 256 * 1024
    /// The shortest signing secret accepted: HS256 wants a key as long as its hash.
    public static let minSigningSecretBytes = 32

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./data", apiKeys: [String] = [],
        signingSecret: String? = nil, maxPollsPerUser: Int = 16, maxPolls: Int = 10_000,
        logLevel: Logger.Level = .info, updatesRetentionHours: Int = 72, updatesMaxPerFeed: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.apiKeys = apiKeys
        self.signingSecret = signingSecret
        self.maxPollsPerUser = maxPollsPerUser
        self.maxPolls = maxPolls
        self.logLevel = logLevel
        self.updatesRetentionHours = updatesRetentionHours
        self.updatesMaxPerFeed = updatesMaxPerFeed
    }

    /// The database file inside the data directory.
    public var databasePath: String { dataDirectory + "/tidings.sqlite" }
}
