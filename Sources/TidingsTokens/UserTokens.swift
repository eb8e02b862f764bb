import Foundation
import JWTKit

/// The claims of a user token: `sub` the user, `exp` required, `nbf` honoured when present.
public struct UserTokenClaims: JWTPayload {
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    /// A token is not valid before this time (RFC 7519 §4.1.5), if the issuer says so.
    public var nbf: NotBeforeClaim?

    public init(userID: String, expiresAt: Date) {
        sub = SubjectClaim(value: userID)
        exp = ExpirationClaim(value: expiresAt)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}

/// Signs and verifies user tokens (HS256 JWTs). The server verifies with it and
/// `tidings-cli token` signs with it, so both always agree.
public struct UserTokens: Sendable {
    /// The shortest secret accepted: HS256 wants a key at least as long as its hash.
    public static let minimumSecretBytes = 32

    private let keys: JWTKeyCollection

    public init(secret: String) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// A token for `userID` that expires at `expiresAt` (rounded down to a whole second,
    /// as `exp` is a NumericDate most verifiers read as an integer).
    public func mint(userID: String, expiresAt: Date) async throws -> String {
        let whole = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        return try await keys.sign(UserTokenClaims(userID: userID, expiresAt: whole))
    }

    /// The user id of a valid token; throws for a bad signature, a missing or past `exp`,
    /// or any algorithm but HS256 (checked before verifying, so `alg: none` never runs).
    public func verify(_ token: String) async throws -> String {
        guard Self.headerAlgorithm(of: token) == "HS256" else { throw JWTError.malformedToken(reason: "only HS256 user tokens are accepted") }
        return try await keys.verify(token, as: UserTokenClaims.self).sub.value
    }

    /// The `alg` of a JWT's header, read without verifying anything.
    static func headerAlgorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["alg"] as? String
    }
}
