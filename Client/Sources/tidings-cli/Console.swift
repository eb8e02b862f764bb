import Foundation
import TidingsClient

/// Where the CLI writes: results on stdout (one write per line, so a pipe sees each line
/// as soon as it is printed), diagnostics and progress on stderr.
enum Console {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Colours only on a terminal, never with `NO_COLOR` set, never on a dumb terminal.
    static var colorsEnabled: Bool {
        let environment = ProcessInfo.processInfo.environment
        return stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Prints one line on stdout.
    static func line(_ text: String) {
        writeOut(Data((text + "\n").utf8))
    }

    /// Prints `value` as one line of JSON on stdout.
    static func json(_ value: some Encodable) throws {
        var data = try JSONCoding.encoder.encode(value)
        data.append(0x0a)
        writeOut(data)
    }

    /// Writes all of `data` on stdout. Once its reader is gone (`tidings-cli watch | head -1`)
    /// the CLI ends as SIGPIPE would end it, with status 141: SwiftNIO ignores SIGPIPE in the
    /// whole process, and a command that went on would read (and mark seen) for nobody.
    private static func writeOut(_ data: Data) {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written >= 0 {
                    offset += written
                } else if errno == EPIPE {
                    exit(ExitStatus.outputClosed)
                } else if errno != EINTR {
                    return  // another failure on stdout: nothing better to say it on
                }
            }
        }
    }

    /// Prints one line on stderr.
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }

    /// Shows a transient progress line on stderr, only when stderr is a terminal;
    /// `nil` clears it.
    static func progress(_ text: String?) {
        guard stderrIsTerminal else { return }
        let line = "\r\u{1B}[K" + (text ?? "")
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }
}
