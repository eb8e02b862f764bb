import CSystemd
import Foundation

/// The parts of the systemd protocol Tidings speaks, through the real libsystemd. Each
/// call is a no-op when the process was not started by systemd.
public enum Systemd {
    /// Sends a notification (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`) to
    /// `NOTIFY_SOCKET`; false when there is none.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// The watchdog interval systemd expects pings within, if the watchdog is enabled for us.
    public static var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    /// The inherited listening socket of socket activation (`LISTEN_FDS`), if any.
    public static func activatedSocket() -> Int32? {
        let count = sd_listen_fds(1)
        guard count >= 1 else { return nil }
        let descriptor = SD_LISTEN_FDS_START
        guard sd_is_socket(descriptor, AF_UNSPEC, Int32(SOCK_STREAM.rawValue), 1) > 0 else { return nil }
        return descriptor
    }

    /// Whether standard error is connected to the journal (`JOURNAL_STREAM` names its
    /// device and inode), the documented test for logging to journald directly.
    public static var stderrIsJournal: Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// Sends one structured entry to journald (`FIELD=value` strings).
    @discardableResult
    public static func journal(_ fields: [String]) -> Int32 {
        let copies = fields.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var vectors = copies.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: $0.map { strlen($0) } ?? 0) }
        return sd_journal_sendv(&vectors, Int32(vectors.count))
    }
}
