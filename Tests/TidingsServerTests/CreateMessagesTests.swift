import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("POST /v1/channels/{channel_id}/messages")
struct CreateMessagesTests {
    @Test("201 with one entry per recipient in order, and the items appear in each feed")
    func created() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let created = try await client.createMessages(["ann", "bob"], content: "**Ann** replied")
            #expect(created.map(\.recipient) == ["ann", "bob"])
            #expect(created.allSatisfy { $0.channelID == "in-app" && $0.id.hasPrefix("msg_") })
            let page = try await client.send(.get, "/v1/users/bob/feeds/in-app").decode(FeedPage.self)
            let item = try #require(page.entries.first)
            #expect(item.id == created[1].id && item.insertedAt == created[1].insertedAt)
            #expect(item.blocks[0].rendered == "<p><strong>Ann</strong> replied</p>")
            #expect(item.source == nil && item.tenant == nil && item.actors.isEmpty && item.status == "delivered")
        }
    }

    @Test("source, tenant, actor and data are stored as given")
    func fullBody() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let body = """
                {"recipients":["u"],"source":"comment-created","tenant":"acme","actor":{"id":"user-9","name":"Ann"},
                 "data":{"post_id":42,"tags":["a"],"big":9007199254740993,"min":-9223372036854775808,"ratio":0.25},
                 "blocks":[{"type":"text","name":"t","content":"<b>hi</b>"}]}
                """
            #expect(try await client.send(.post, "/v1/channels/in-app/messages", json: body).status == .created)
            let item = try await client.send(.get, "/v1/users/u/feeds/in-app").decode(FeedPage.self).entries[0]
            #expect(item.source?.key == "comment-created" && item.tenant == "acme")
            #expect(item.actors == [.object(["id": .string("user-9"), "name": .string("Ann")])])
            // Integers come back exact, 64-bit ids too (a Double would make ...993 into ...992).
            #expect(
                item.data == .object([
                    "post_id": .integer(42), "tags": .array([.string("a")]), "big": .integer(9_007_199_254_740_993),
                    "min": .integer(.min), "ratio": .number(0.25),
                ]))
            #expect(item.blocks == [Block(type: .text, name: "t", content: "<b>hi</b>", rendered: "&lt;b&gt;hi&lt;/b&gt;")])
        }
    }

    @Test("absent fields are null on the wire")
    func nullsOnTheWire() async throws {
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["u"])
            let response = try await client.send(.get, "/v1/users/u/feeds/in-app?mark_seen=false")
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let entry = try #require((object?["entries"] as? [[String: Any]])?.first)
            for key in ["seen_at", "read_at", "interacted_at", "archived_at", "link_clicked_at", "source", "tenant"] {
                #expect(entry[key] is NSNull, "\(key) must be present and null")
            }
            let pageInfo = try #require(object?["page_info"] as? [String: Any])
            #expect(pageInfo["after"] is NSNull && pageInfo["before"] is NSNull)
        }
    }

    @Test("raw HTML in markdown content comes out escaped")
    func escapesHTML() async throws {
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["u"], content: "<script>alert(1)</script> [x](javascript:alert(1))")
            let item = try await client.send(.get, "/v1/users/u/feeds/in-app").decode(FeedPage.self).entries[0]
            #expect(!item.blocks[0].rendered.contains("<script"))
            #expect(item.blocks[0].rendered.contains("&lt;script"))
            #expect(!item.blocks[0].rendered.contains("javascript:alert(1)\""))
        }
    }

    @Test("Idempotency-Key replays with 200 and Idempotent-Replayed; another body is 409")
    func idempotency() async throws {
        try await makeTestApp().test(.router) { client async throws in
            var headers = jsonHeaders
            headers[HTTPField.Name("Idempotency-Key")!] = "key-1"
            let body = #"{"recipients":["u"],"blocks":[{"type":"text","name":"b","content":"x"}]}"#
            let first = try await client.send(.post, "/v1/channels/in-app/messages", headers: headers, json: body)
            #expect(first.status == .created)
            let replay = try await client.send(.post, "/v1/channels/in-app/messages", headers: headers, json: body)
            #expect(replay.status == .ok)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(replay.body == first.body)
            let changed = try await client.send(.post, "/v1/channels/in-app/messages", headers: headers, json: body + " ")
            #expect(changed.status == .conflict && changed.errorCode == "idempotency_conflict")
            // Keys are scoped to the API key that sent them.
            headers[.authorization] = "Bearer \(TestCredentials.secondKey)"
            let otherKey = try await client.send(.post, "/v1/channels/in-app/messages", headers: headers, json: body)
            #expect(otherKey.status == .created)
            let page = try await client.send(.get, "/v1/users/u/feeds/in-app").decode(FeedPage.self)
            #expect(page.meta.totalCount == 2)
        }
    }

    @Test(
        "a body breaking a rule is a 422 naming the field",
        arguments: [
            (#"{"blocks":[{"type":"text","content":"x"}]}"#, "invalid_recipients"),
            (#"{"recipients":[],"blocks":[{"type":"text","content":"x"}]}"#, "invalid_recipients"),
            (#"{"recipients":["a","a"],"blocks":[{"type":"text","content":"x"}]}"#, "invalid_recipients"),
            (#"{"recipients":[1],"blocks":[{"type":"text","content":"x"}]}"#, "invalid_recipients"),
            (#"{"recipients":[""],"blocks":[{"type":"text","content":"x"}]}"#, "invalid_recipients"),
            (#"{"recipients":["a"]}"#, "invalid_blocks"),
            (#"{"recipients":["a"],"blocks":[]}"#, "invalid_blocks"),
            (#"{"recipients":["a"],"blocks":[{"type":"html","content":"x"}]}"#, "invalid_blocks"),
            (#"{"recipients":["a"],"blocks":[{"type":"text","content":5}]}"#, "invalid_blocks"),
            (#"{"recipients":["a"],"blocks":[{"type":"text","content":"x"}],"data":[1]}"#, "invalid_data"),
            (#"{"recipients":["a"],"blocks":[{"type":"text","content":"x"}],"actor":{"name":"x"}}"#, "invalid_actor"),
            (#"{"recipients":["a"],"blocks":[{"type":"text","content":"x"}],"source":7}"#, "invalid_source"),
            (#"{"recipients":["a"],"blocks":[{"type":"text","content":"x"}],"tenant":true}"#, "invalid_tenant"),
            (#"[1,2]"#, "invalid_body"),
        ])
    func shapeErrors(body: String, code: String) async throws {
        try await makeTestApp().test(.router) { client async throws in
            let response = try await client.send(.post, "/v1/channels/in-app/messages", json: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == code)
        }
    }

    @Test("limits: 1000 recipients, 10 blocks, 16 KiB content, 32 KiB data")
    func limits() async throws {
        try await makeTestApp().test(.router) { client async throws in
            func post(_ body: String) async throws -> TestResponse {
                try await client.send(.post, "/v1/channels/in-app/messages", json: body)
            }
            let block = #"{"type":"text","content":"x"}"#
            let thousand = (0..<1000).map { "\"r\($0)\"" }.joined(separator: ",")
            #expect(try await post(#"{"recipients":[\#(thousand)],"blocks":[\#(block)]}"#).status == .created)
            let tooMany = try await post(#"{"recipients":[\#(thousand),"extra"],"blocks":[\#(block)]}"#)
            #expect(tooMany.errorCode == "invalid_recipients")
            let ten = Array(repeating: block, count: 10).joined(separator: ",")
            #expect(try await post(#"{"recipients":["a"],"blocks":[\#(ten)]}"#).status == .created)
            #expect(try await post(#"{"recipients":["a"],"blocks":[\#(ten),\#(block)]}"#).errorCode == "invalid_blocks")
            let big = String(repeating: "y", count: 16 * 1024)
            #expect(try await post(#"{"recipients":["a"],"blocks":[{"type":"text","content":"\#(big)"}]}"#).status == .created)
            #expect(
                try await post(#"{"recipients":["a"],"blocks":[{"type":"text","content":"\#(big)y"}]}"#).errorCode
                    == "invalid_blocks")
            let data = String(repeating: "z", count: 32 * 1024)
            #expect(try await post(#"{"recipients":["a"],"blocks":[\#(block)],"data":{"k":"\#(data)"}}"#).errorCode == "invalid_data")
        }
    }

    @Test("malformed JSON 400, wrong content type 415, oversize body 413")
    func transportErrors() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let malformed = try await client.send(.post, "/v1/channels/in-app/messages", json: "{\"recipients\":")
            #expect(malformed.status == .badRequest && malformed.errorCode == "invalid_json")
            var textHeaders = jsonHeaders
            textHeaders[.contentType] = "text/plain"
            let wrongType = try await client.send(.post, "/v1/channels/in-app/messages", headers: textHeaders, json: "{}")
            #expect(wrongType.status == .unsupportedMediaType && wrongType.errorCode == "unsupported_media_type")
            var spacedHeaders = jsonHeaders
            spacedHeaders[.contentType] = "Application/JSON \t; charset=utf-8"
            let body = #"{"recipients":["a"],"blocks":[{"type":"text","content":"x"}]}"#
            let spaced = try await client.send(.post, "/v1/channels/in-app/messages", headers: spacedHeaders, json: body)
            #expect(spaced.status == .created, "parameters and whitespace around the media type are allowed")
            let huge = #"{"recipients":["a"],"pad":""# + String(repeating: "p", count: 300 * 1024) + "\"}"
            let tooLarge = try await client.send(.post, "/v1/channels/in-app/messages", json: huge)
            #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "body_too_large")
            let badChannel = try await client.send(.post, "/v1/channels/bad%20channel/messages", json: "{}")
            #expect(badChannel.status == .badRequest && badChannel.errorCode == "invalid_channel_id")
            var badKey = jsonHeaders
            badKey[HTTPField.Name("Idempotency-Key")!] = String(repeating: "k", count: 256)
            let longKey = try await client.send(.post, "/v1/channels/in-app/messages", headers: badKey, json: "{}")
            #expect(longKey.status == .badRequest && longKey.errorCode == "invalid_idempotency_key")
        }
    }
}
