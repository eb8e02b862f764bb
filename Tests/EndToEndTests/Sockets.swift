import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A free TCP port on loopback, found by binding port 0 (closed again before it is used).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw POSIXError(.EADDRINUSE) }
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A raw TCP connection to loopback, for clients no HTTP library would imitate. Sendable so
/// one thread may send while another reads, as a socket allows; it holds nothing else.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Goes away: both directions shut, as a client that closes its socket.
    func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Stops sending, still reading: the server sees the request stream end.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Sends bytes; false once the peer has closed.
    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } >= 0
    }

    /// Reads one response with a `Content-Length` body (nil if the peer closes or 10 s
    /// pass first): its head and its body.
    func readResponse() -> (head: String, body: [UInt8])? {
        var data = [UInt8]()
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = data.firstRange(of: separator) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                let length = head.lowercased().split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                if let length, data.count - end.upperBound >= length {
                    return (head, Array(data[end.upperBound..<end.upperBound + length]))
                }
            }
            if receive(into: &data) <= 0 { return nil }
        }
    }

    /// Reads until `marker` has arrived (nil if the peer closes or 10 s pass first): all
    /// that arrived up to and including it.
    func read(through marker: String) -> String? {
        var data = [UInt8]()
        while true {
            if let end = data.firstRange(of: Array(marker.utf8)) {
                return String(decoding: data[..<end.upperBound], as: UTF8.self)
            }
            var byte: UInt8 = 0
            guard recv(fd, &byte, 1, 0) == 1 else { return nil }  // byte by byte: nothing after it is taken
            data.append(byte)
        }
    }

    /// Reads until the peer closes or 10 s pass; returns what arrived and whether it closed.
    func readToEnd() -> (String, Bool) {
        var data = [UInt8]()
        while true {
            let count = receive(into: &data)
            if count <= 0 { return (String(decoding: data, as: UTF8.self), count == 0) }
        }
    }

    /// One `recv` appended to `data`: the bytes read, 0 once the peer closed, -1 on timeout.
    private func receive(into data: inout [UInt8]) -> Int {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count > 0 { data += buffer[0..<count] }
        return count
    }

    /// The HTTP/1.1 answers in what `readToEnd` returned, in order: each one's head (from its
    /// status code on) and what follows the head's blank line.
    static func answers(in text: String) -> [(head: String, body: String)] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { answer in
            guard let blank = answer.range(of: "\r\n\r\n") else { return (answer, "") }
            return (String(answer[..<blank.lowerBound]), String(answer[blank.upperBound...]))
        }
    }
}

/// An `AF_UNIX` datagram socket standing in for systemd's `NOTIFY_SOCKET`.
final class NotifySocket {
    let path: String
    private let fd: Int32

    init() throws {
        path = TestDirectory.path("notify").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Datagrams received until `predicate` holds for all received so far, or `seconds` pass.
    func receive(until predicate: ([String]) -> Bool, seconds: Double = 10) -> [String] {
        var messages = [String]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            messages.append(message)
            if predicate(messages) { break }
        }
        return messages
    }
}
