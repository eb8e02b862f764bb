import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

extension HTTPTransport {
    /// A short human reason for a transport failure ("connection refused", …), after the
    /// server it was for.
    static func reason(for error: any Error, url: URL?) -> String {
        let target =
            url.map { url in
                let host = url.host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "?"  // IPv6 in brackets
                return "\(url.scheme ?? "http")://\(host)\(url.port.map { ":\($0)" } ?? "")"
            } ?? "server"
        return "\(target): \(what(error))"
    }

    private static func what(_ error: any Error) -> String {
        switch error {
        case let failure as HTTPClientError: what(failure)
        case let failure as NIOConnectionError: what(failure)
        case let failure as IOError: what(errno: failure.errnoCode)
        case ChannelError.connectTimeout: "timed out"
        case is HTTPParserError: "bad HTTP response"
        // NIOSSL's errors, named without importing it: a dump of BoringSSL's stack otherwise.
        case _ where String(reflecting: type(of: error)).hasPrefix("NIOSSL."):
            "TLS failure (is the server serving https?)"
        default: "\(error)"
        }
    }

    private static func what(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout: "timed out"
        case .remoteConnectionClosed: "connection closed before an answer"
        case .tlsHandshakeTimeout: "TLS handshake timed out"
        default: error.shortDescription.lowercased()
        }
    }

    /// Connecting failed: DNS found no address, or every address refused or failed.
    private static func what(_ error: NIOConnectionError) -> String {
        if let first = error.connectionErrors.first {
            return (first.error as? IOError).map { what(errno: $0.errnoCode) } ?? "\(first.error)"
        }
        return error.dnsAError != nil || error.dnsAAAAError != nil ? "unknown host" : "cannot connect"
    }

    private static func what(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset"
        case ETIMEDOUT: "timed out"
        case ENETUNREACH: "network unreachable"
        case EHOSTUNREACH: "host unreachable"
        case EPIPE: "connection closed"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
