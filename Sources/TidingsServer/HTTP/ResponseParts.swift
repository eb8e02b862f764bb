import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization
import TidingsCore
import TidingsStore

/// Responses the poll lane writes itself, as one head and one buffer.
enum ResponseParts {
    /// A router response as one head and one buffer.
    static func collect(_ response: Response) async -> (HTTPResponse, ByteBuffer) {
        let collector = BodyCollector()
        do {
            try await response.body.write(collector.writer)
        } catch {
            return (HTTPResponse(status: .internalServerError), ByteBuffer())
        }
        return (response.head, collector.buffer.value)
    }

    /// `head` as written on the wire: its body's length, the date, the server, and
    /// `Connection: close` when the connection closes after it.
    static func framed(_ head: HTTPResponse, bodyLength: Int, closing: Bool) -> HTTPResponse {
        var head = head
        head.headerFields[.contentLength] = String(bodyLength)
        head.headerFields[.date] = HTTPDate.now
        head.headerFields[.server] = "tidings"
        if closing { head.headerFields[.connection] = "close" }
        return head
    }

    /// A catalogue error's answer (anything else is `internal_error`).
    static func error(_ error: Error) -> (HTTPResponse, ByteBuffer) {
        let tidingsError = (error as? TidingsError) ?? .internalError
        let response = TidingsErrorResponse(tidingsError)
        return (HTTPResponse(status: response.status, headerFields: response.headerFields), response.body)
    }
}

/// Collects a response body written through Hummingbird's `ResponseBodyWriter`.
private struct BodyCollector {
    final class Box: @unchecked Sendable {
        var value = ByteBuffer()
    }
    let buffer = Box()

    struct Writer: ResponseBodyWriter {
        let box: Box
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            box.value.writeBuffer(&buffer)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    var writer: Writer { Writer(box: buffer) }
}

/// The `Date` header value (RFC 9110 IMF-fixdate), formatted once per second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((0, ""))

    static var now: String {
        var seconds = time(nil)
        return cache.withLock { cache in
            if cache.second != seconds {
                var parts = tm()
                gmtime_r(&seconds, &parts)
                var buffer = [CChar](repeating: 0, count: 40)
                let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
                cache = (seconds, String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return cache.text
        }
    }
}
