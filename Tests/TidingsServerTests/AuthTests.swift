import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("Authentication and access")
struct AuthTests {
    /// A JWT assembled by hand, for algorithms and shapes the server must refuse.
    static func handmadeToken(header: String, claims: String, sign: (String) -> String = { _ in "" }) -> String {
        func base64url(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let unsigned = base64url(header) + "." + base64url(claims)
        return unsigned + "." + sign(unsigned)
    }

    static func hmac<H: HashFunction>(_: H.Type, _ text: String) -> String {
        let mac = HMAC<H>.authenticationCode(
            for: Data(text.utf8), using: SymmetricKey(data: Data(TestCredentials.signingSecret.utf8)))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func status(_ credential: String?, path: String = "/v1/users/ann/feeds/in-app") async throws -> (HTTPResponse.Status, String?) {
        try await makeTestApp().test(.router) { client async throws in
            let headers: HTTPFields = credential.map { [.authorization: "Bearer \($0)"] } ?? [:]
            let response = try await client.execute(uri: path, method: .get, headers: headers)
            if response.status == .unauthorized {
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.errorCode == "unauthorized")
            }
            return (response.status, response.errorCode)
        }
    }

    @Test("secret keys, including a rotated second key, have full access")
    func secretKeys() async throws {
        #expect(try await status(TestCredentials.apiKey).0 == .ok)
        #expect(try await status(TestCredentials.secondKey).0 == .ok)
    }

    @Test("a user token reads its own feed and gets 403 on another user's")
    func userToken() async throws {
        let token = try await TidingsServerTests.userToken("ann")
        #expect(try await status(token).0 == .ok)
        #expect(try await status(token, path: "/v1/users/bob/feeds/in-app") == (.forbidden, "forbidden"))
    }

    @Test("missing, unknown, expired, alg none, other algorithms and bad signatures are 401")
    func refused() async throws {
        let future = Int(Date().timeIntervalSince1970) + 3600
        let claims = #"{"sub":"ann","exp":\#(future)}"#
        let expired = try await TidingsServerTests.userToken("ann", expiresIn: -60)
        let none = Self.handmadeToken(header: #"{"alg":"none","typ":"JWT"}"#, claims: claims)
        let hs384 = Self.handmadeToken(header: #"{"alg":"HS384","typ":"JWT"}"#, claims: claims) {
            Self.hmac(SHA384.self, $0)
        }
        let noExp = Self.handmadeToken(header: #"{"alg":"HS256","typ":"JWT"}"#, claims: #"{"sub":"ann"}"#) {
            Self.hmac(SHA256.self, $0)
        }
        let forged = Self.handmadeToken(header: #"{"alg":"HS256","typ":"JWT"}"#, claims: claims) { _ in "AAAA" }
        let notYet = Self.handmadeToken(
            header: #"{"alg":"HS256","typ":"JWT"}"#, claims: #"{"sub":"ann","exp":\#(future),"nbf":\#(future - 60)}"#
        ) { Self.hmac(SHA256.self, $0) }
        let good = Self.handmadeToken(header: #"{"alg":"HS256","typ":"JWT"}"#, claims: claims) {
            Self.hmac(SHA256.self, $0)
        }
        for credential in [nil, "", "sk_wrong", expired, none, hs384, noExp, forged, "a.b.c", notYet] {
            #expect(try await status(credential).0 == .unauthorized, "\(credential ?? "nil") must be refused")
        }
        // The hand-made HS256 token is accepted, so the refusals above are about what they change.
        #expect(try await status(good).0 == .ok)
    }

    @Test("spaces and tabs around the credential are optional whitespace; inside it they are not")
    func credentialWhitespace() async throws {
        #expect(try await status(" \t\(TestCredentials.apiKey)\t ").0 == .ok)
        #expect(try await status(" \t ").0 == .unauthorized)
        #expect(try await status("\(TestCredentials.apiKey.dropLast()) \(TestCredentials.apiKey.suffix(1))").0 == .unauthorized)
        #expect("\t a b \t".trimmingOWS == "a b")
        #expect(" \t ".trimmingOWS.isEmpty && "".trimmingOWS.isEmpty && "x".trimmingOWS == "x")
        #expect("\u{00A0}x\n".trimmingOWS == "\u{00A0}x\n", "only spaces and tabs are HTTP whitespace")
    }

    @Test("a user token can never create messages")
    func tokenCannotCreate() async throws {
        let token = try await TidingsServerTests.userToken("ann")
        try await makeTestApp().test(.router) { client async throws in
            var headers = jsonHeaders
            headers[.authorization] = "Bearer \(token)"
            let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}]}"#
            let response = try await client.send(.post, "/v1/channels/in-app/messages", headers: headers, json: body)
            #expect(response.status == .forbidden)
        }
    }

    @Test("with no API key configured only user tokens work")
    func tokensOnly() async throws {
        let token = try await TidingsServerTests.userToken("ann")
        try await makeTestApp(apiKeys: []).test(.router) { client async throws in
            #expect(try await client.execute(uri: "/v1/users/ann/feeds/in-app", method: .get, headers: bearer(token)).status == .ok)
            let keyed = try await client.execute(
                uri: "/v1/users/ann/feeds/in-app", method: .get, headers: bearer(TestCredentials.apiKey))
            #expect(keyed.status == .unauthorized)
        }
    }
}
