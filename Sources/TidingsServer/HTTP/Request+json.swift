import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import TidingsAPI
import TidingsCore

extension Request {
    /// The raw JSON body, refused with `415` unless it is `application/json` and with
    /// `413` when larger than `limit` — before buffering when `Content-Length` says so,
    /// and while reading otherwise.
    func jsonBodyBytes(limit: Int = ServerConfiguration.maxBodyBytes) async throws -> ByteBuffer {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { String($0.trimmingOWS) }
        guard mediaType == "application/json" else { throw TidingsErrorResponse(.unsupportedMediaType) }
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw TidingsErrorResponse(.bodyTooLarge(limit: limit))
        }
        return try await Self.readingBody(limit: limit) { try await body.collect(upTo: limit) }
    }

    /// Runs `read`, a read of the body, answering a body over `limit` with `413` and one that
    /// breaks HTTP framing with `400 malformed_body`, on a connection that closes after it: the
    /// parser gave up inside the body, a client's mistake, and the framing is lost with it.
    static func readingBody<Value>(limit: Int, _ read: () async throws -> Value) async throws -> Value {
        do {
            return try await read()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw TidingsErrorResponse(.bodyTooLarge(limit: limit))
        } catch is NIOTooManyBytesError {
            // A chunked body that outgrew the limit while streaming: the rest of it is unread,
            // so the connection closes after the answer rather than drain an unbounded stream.
            throw ClosingConnection(error: TidingsErrorResponse(.bodyTooLarge(limit: limit)))
        } catch is HTTPParserError {
            throw ClosingConnection(error: TidingsErrorResponse(.malformedBody))
        }
    }

    /// Whether the request says it has a body (chunks, or a length above zero).
    var declaresBody: Bool {
        headers[.transferEncoding] != nil || (headers[.contentLength].flatMap(Int.init) ?? 0) > 0
    }

    /// A body that may be absent (no content type, no length, no chunks): `nil` then, else
    /// parsed JSON. A declared body is never taken for an absent one: a bulk filter ignored
    /// that way would act on the whole channel.
    func optionalJSONBody() async throws -> JSONValue? {
        guard headers[.contentType] != nil || declaresBody else { return nil }
        let bytes = try await jsonBodyBytes()
        return bytes.readableBytes == 0 ? nil : try JSONValue.parse(bytes)
    }

    /// The query parameters as a dictionary, names and values percent-decoded (the last value
    /// of a repeated name wins). Hummingbird decodes only the values: `mark%5Fseen=false`
    /// would otherwise be ignored, and a peek would mark the page seen.
    var queryDictionary: [String: String] {
        var parameters = [String: String]()
        for (key, value) in uri.queryParameters {
            parameters[key.removingPercentEncoding ?? String(key)] = String(value)
        }
        return parameters
    }
}

extension JSONValue {
    /// Parses a request body, or throws `400 invalid_json`.
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        try decodeBody(JSONValue.self, from: buffer)
    }

    /// Decodes a request body as `type`, or throws `400 invalid_json`.
    static func decodeBody<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch {
            throw TidingsErrorResponse(.invalidJSON)
        }
    }
}

extension Response {
    /// A JSON response with `body` already encoded.
    static func json(bytes body: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A JSON response encoding `value`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(bytes: try JSONEncoder.wire.encode(value), status: status)
    }
}

extension Parameters {
    /// A path parameter, percent-decoded (a user id may contain `/` as `%2F`).
    func decoded(_ name: String, invalid: TidingsError) throws -> String {
        guard let raw = self.get(name), let value = raw.removingPercentEncoding else { throw TidingsErrorResponse(invalid) }
        return value
    }
}
