import Foundation
import Testing
import TidingsAPI

/// Request bodies as they come on the wire: chunked, broken, without a content type.
@Suite("Request bodies on a real socket", .serialized)
struct RequestBodyTests {
    static let key = OperationsTests.key

    @Test(
        "a body that breaks HTTP framing gets 400 malformed_body and a closed connection, never a 500",
        arguments: [
            ("a chunk longer than its size", "2\r\n{}XX\r\n0\r\n\r\n", false),
            ("a chunk size that is not hex", "zz\r\n{}\r\n0\r\n\r\n", false),
            ("a stream that ends inside a chunk", "40\r\n{\"recipients\": [", true),
        ])
    func brokenBodyFraming(_ what: String, body: String, endsEarly: Bool) async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/channels/in-app/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        if endsEarly { connection.finishSending() }
        let (text, closed) = connection.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 1, "\(what)")
        #expect(answers.first?.head.hasPrefix("400 ") == true, "\(what): \(text)")
        #expect(answers.first?.head.lowercased().contains("connection: close") == true, "\(what)")
        #expect(answers.first?.body.contains(#""code":"malformed_body""#) == true, "\(what)")
        #expect(closed, "\(what)")
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
    }

    @Test("a chunked body over 256 KiB is 413 body_too_large on a closed connection, never a 500")
    func chunkedBodyTooLarge() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let padding = String(repeating: "x", count: 300_000)
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}],"data":{"p":"\#(padding)"}}"#
        let bytes = Array(body.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 8192).map { start in
            let chunk = bytes[start..<min(start + 8192, bytes.count)]
            return String(chunk.count, radix: 16) + "\r\n" + String(decoding: chunk, as: UTF8.self) + "\r\n"
        }
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/channels/in-app/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks.joined() + "0\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        let answer = RawConnection.answers(in: text).first
        #expect(answer?.head.hasPrefix("413 ") == true, "\(text.prefix(300))")
        #expect(answer?.head.lowercased().contains("connection: close") == true)
        #expect(answer?.body.contains(#""code":"body_too_large""#) == true)
        #expect(closed)
        let feed = try await server.request("GET", "/v1/users/ann/feeds/in-app", key: Self.key)
        #expect(try JSONDecoder().decode(FeedPage.self, from: feed.body).meta.totalCount == 0)
    }

    @Test("a chunked bulk filter without a content type is refused 415, never run as if it were absent")
    func chunkedFilterWithoutType() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let create = #"{"recipients":["ann","bob"],"blocks":[{"type":"text","content":"x"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: create).status == 201)
        let filter = #"{"user_ids":["ann"]}"#
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/channels/in-app/messages/bulk/read HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + String(filter.utf8.count, radix: 16) + "\r\n\(filter)\r\n0\r\n\r\n")
        let answer = RawConnection.answers(in: connection.readToEnd().0).first
        #expect(answer?.head.hasPrefix("415 ") == true, "\(answer?.head ?? "no answer")")
        #expect(answer?.body.contains(#""code":"unsupported_media_type""#) == true)
        let bob = try await server.request("GET", "/v1/users/bob/feeds/in-app?mark_seen=false", key: Self.key)
        #expect(try JSONDecoder().decode(FeedPage.self, from: bob.body).meta.unreadCount == 1)
    }
}
