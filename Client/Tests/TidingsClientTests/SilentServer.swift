import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that takes connections and never answers: a server slow to
/// reply, for what a client does while it waits.
final class SilentServer: Sendable {
    enum Failure: Error {
        case socket(String)
        case noClient
    }

    let port: Int
    private let listener: Int32

    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Failure.socket("bind/listen: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(listener) }

    /// The next client's socket, once one has connected; throws `noClient` after `timeout`.
    /// The caller closes it (hanging up without an answer).
    func accept(timeout: Duration) async throws -> Int32 {
        let listener = listener
        let milliseconds = Int32(timeout.components.seconds * 1000)
        return try await withCheckedThrowingContinuation { continuation in
            // accept(2) blocks: wait for it on a thread of its own, not on the cooperative pool.
            Thread {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                let client = poll(&ready, 1, milliseconds) == 1 ? Glibc.accept(listener, nil, nil) : -1
                if client >= 0 {
                    continuation.resume(returning: client)
                } else {
                    continuation.resume(throwing: Failure.noClient)
                }
            }.start()
        }
    }
}

/// CPU time a running process has used, from `/proc/<pid>/stat`.
enum ProcessCPU {
    struct Unreadable: Error {
        var stat: String
    }

    /// User plus system seconds used so far by process `pid`.
    static func seconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        guard let end = stat.lastIndex(of: ")") else { throw Unreadable(stat: stat) }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // Fields 14 and 15 of proc(5), utime and stime: here 11 and 12, counting from field 3.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Unreadable(stat: stat)
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
