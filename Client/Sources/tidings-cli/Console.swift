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
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Prints `value` as one line of JSON on stdout.
    static func json(_ value: some Encodable) throws {
        var data = try JSONCoding.encoder.encode(value)
        data.append(0x0a)
        try? FileHandle.standardOutput.write(contentsOf: data)
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
