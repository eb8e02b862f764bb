import Foundation
import TidingsTokens

/// User tokens signed with the test server's secret.
enum TestTokens {
    static func mint(user: String, ttl: TimeInterval = 600) async throws -> String {
        try await UserTokens(secret: TestServer.signingSecret).mint(
            userID: user, expiresAt: Date().addingTimeInterval(ttl))
    }
}
