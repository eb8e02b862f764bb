import Foundation

/// Where the built `tidings` and `tidings-cli` are: next to the test bundle, in the same
/// build directory (so `--scratch-path` works), unless `TIDINGS_BIN` / `TIDINGS_CLI_BIN`
/// name them.
enum Binaries {
    static var server: URL { named("tidings", override: "TIDINGS_BIN") }
    static var cli: URL { named("tidings-cli", override: "TIDINGS_CLI_BIN") }

    private static func named(_ name: String, override variable: String) -> URL {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return buildDirectory.appendingPathComponent(name)
    }

    /// The directory of the running test executable, when it holds the products; else the
    /// package's `.build/debug`.
    static var buildDirectory: URL {
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("tidings-cli").path) {
                return directory
            }
        }
        // Client/Tests/TidingsClientTests/Binaries.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug")
    }
}
