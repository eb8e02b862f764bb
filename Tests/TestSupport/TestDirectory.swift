import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Fresh directories for the databases, sockets and logs of one test process, all inside one
/// root that is removed when the process exits, so that running the suite leaves nothing in
/// the temporary directory. A root left behind by a process that did not exit normally (a
/// crash, `kill -9`) is removed by the next test process.
public enum TestDirectory {
    /// Creates and returns a new empty directory named `prefix-` and a unique suffix.
    public static func make(_ prefix: String) throws -> URL {
        let directory = path(prefix)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A unique path named `prefix-` and a suffix, not created (for what creates it itself), in
    /// a directory that exists.
    public static func path(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }

    private static let rootPrefix = "tidings-tests-"

    /// This process's root, created on first use; removed at exit.
    private static let root: URL = {
        let temporary = FileManager.default.temporaryDirectory
        removeAbandonedRoots(in: temporary)
        let root = temporary.appendingPathComponent("\(rootPrefix)\(getpid())")
        try? FileManager.default.removeItem(at: root)
        // If this fails, so does the first use of a path inside it, with the reason.
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestDirectory.root) }
        return root
    }()

    /// Removes the roots of test processes that are no longer running.
    private static func removeAbandonedRoots(in temporary: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(rootPrefix) {
            guard let pid = pid_t(name.dropFirst(rootPrefix.count)), pid != getpid() else { continue }
            // Signal 0 only asks whether the process exists.
            if kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
    }
}
