import Crypto
import Foundation
import TidingsTokens
import TidingsCore

/// Turns an `Authorization` header into a `Caller`: a secret API key, or an HS256 user
/// token with `exp`. Any other algorithm, `alg: none`, a bad signature or an expired
/// token is a `401`.
public struct Authenticator: Sendable {
    /// Each key's digest and its idempotency scope (the digest in hex), computed once:
    /// formatting it per request cost 11% of a create's CPU.
    private let keys: [(digest: SHA256.Digest, scope: String)]
    private let tokens: UserTokens?

    public init(credentials: Credentials) async {
        keys = credentials.apiKeys.map { key in
            let digest = SHA256.hash(data: Data(key.utf8))
            return (digest, digest.map { String(format: "%02x", $0) }.joined())
        }
        if let secret = credentials.signingSecret {
            tokens = await UserTokens(secret: secret)
        } else {
            tokens = nil
        }
    }

    public func authenticate(authorization: String?) async throws(TidingsError) -> Caller {
        guard let authorization else { throw .unauthorized("Missing Authorization: Bearer credential.") }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("Authorization must be `Bearer <credential>`.")
        }
        let credential = String(parts[1].trimmingOWS)
        // Comparing digests keeps the comparison's time independent of the key's content.
        let digest = SHA256.hash(data: Data(credential.utf8))
        if let key = keys.first(where: { $0.digest == digest }) {
            return .backend(keyScope: key.scope)
        }
        guard credential.split(separator: ".", omittingEmptySubsequences: false).count == 3 else {
            throw .unauthorized("Neither a known API key nor a user token (a JWT).")
        }
        return .user(try await verifyUserToken(credential))
    }

    private func verifyUserToken(_ token: String) async throws(TidingsError) -> String {
        guard let tokens else { throw .unauthorized("User tokens are not accepted: no signing secret is configured.") }
        let userID: String
        do {
            userID = try await tokens.verify(token)
        } catch {
            throw .unauthorized("The user token is invalid, expired or not HS256.")
        }
        guard Identifiers.isValidUserID(userID) else { throw .unauthorized("The token's sub is not a user id.") }
        return userID
    }
}
