import Crypto
import Foundation
import JWTKit
import TidingsCore

/// The claims of a user token: `sub` the user, `exp` required.
struct UserTokenClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Turns an `Authorization` header into a `Caller`: a secret API key, or an HS256 user
/// token with `exp`. Any other algorithm, `alg: none`, a bad signature or an expired
/// token is a `401`.
public struct Authenticator: Sendable {
    private let keyDigests: [SHA256.Digest]
    private let tokenKeys: JWTKeyCollection?

    public init(credentials: Credentials) async {
        keyDigests = credentials.apiKeys.map { SHA256.hash(data: Data($0.utf8)) }
        if let secret = credentials.signingSecret {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            tokenKeys = keys
        } else {
            tokenKeys = nil
        }
    }

    public func authenticate(authorization: String?) async throws(TidingsError) -> Caller {
        guard let authorization else { throw .unauthorized("Missing Authorization: Bearer credential.") }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("Authorization must be `Bearer <credential>`.")
        }
        let credential = String(parts[1]).trimmingCharacters(in: .whitespaces)
        // Comparing digests keeps the comparison's time independent of the key's content.
        let digest = SHA256.hash(data: Data(credential.utf8))
        if keyDigests.contains(digest) {
            return .backend(keyScope: digest.map { String(format: "%02x", $0) }.joined())
        }
        guard credential.split(separator: ".", omittingEmptySubsequences: false).count == 3 else {
            throw .unauthorized("Unknown API key.")
        }
        return .user(try await verifyUserToken(credential))
    }

    private func verifyUserToken(_ token: String) async throws(TidingsError) -> String {
        guard let tokenKeys else { throw .unauthorized("User tokens are not accepted: no signing secret is configured.") }
        guard Self.headerAlgorithm(of: token) == "HS256" else {
            throw .unauthorized("User tokens must be signed with HS256.")
        }
        let claims: UserTokenClaims
        do {
            claims = try await tokenKeys.verify(token, as: UserTokenClaims.self)
        } catch {
            throw .unauthorized("The user token is invalid or expired.")
        }
        guard Identifiers.isValidUserID(claims.sub.value) else { throw .unauthorized("The token's sub is not a user id.") }
        return claims.sub.value
    }

    /// The `alg` of a JWT's header, read before any verification so that only HS256 is tried.
    static func headerAlgorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["alg"] as? String
    }

    /// Mints a user token (used by tests and, later, `tidings-cli token`).
    public static func mintUserToken(userID: String, secret: String, expiresAt: Date) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(UserTokenClaims(sub: .init(value: userID), exp: .init(value: expiresAt)))
    }
}
