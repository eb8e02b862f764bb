import Crypto
import Foundation

/// The secret API keys and the signing secret the server accepts. Configured ones win;
/// with neither configured, a first start generates both into `<data-dir>/credentials.json`
/// (mode 0600) and later starts reuse that file. Nothing is ever built in.
public struct Credentials: Codable, Sendable, Equatable {
    public var apiKeys: [String]
    public var signingSecret: String?

    enum CodingKeys: String, CodingKey {
        case apiKeys = "api_keys"
        case signingSecret = "signing_secret"
    }

    public init(apiKeys: [String], signingSecret: String?) {
        self.apiKeys = apiKeys
        self.signingSecret = signingSecret
    }

    /// Where the credentials came from, for the operator's log.
    public enum Origin: Sendable, Equatable {
        case configured
        case generated(path: String)
        case loaded(path: String)
    }

    /// Resolves the credentials for a start with `configuration`, generating them when
    /// none are configured and none were generated before.
    public static func resolve(_ configuration: ServerConfiguration) throws -> (Credentials, Origin) {
        if !configuration.apiKeys.isEmpty || configuration.signingSecret != nil {
            return (Credentials(apiKeys: configuration.apiKeys, signingSecret: configuration.signingSecret), .configured)
        }
        let path = configuration.dataDirectory + "/credentials.json"
        if FileManager.default.fileExists(atPath: path) {
            let stored = try JSONDecoder().decode(Credentials.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            return (stored, .loaded(path: path))
        }
        let generated = Credentials(apiKeys: ["sk_" + randomToken()], signingSecret: randomToken())
        let data = try JSONEncoder().encode(generated)
        // Created 0600 from the start, so the secret is never readable by others.
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return (generated, .generated(path: path))
    }

    /// 32 random bytes from the system's CSPRNG, hex-encoded.
    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}
