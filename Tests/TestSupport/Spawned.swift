import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for the suites that run the binaries.
///
/// Not Foundation's `Process`: on Linux its `run()` over-reads `/proc/self/fd` entries
/// (swift-corelibs-foundation #5472, a segfault of the whole suite now and then) and its
/// bookkeeping of children now and then never sees one exit. Here the child gets its
/// standard streams and nothing else (every other descriptor is closed in it, so a sibling
/// never holds another test's pipe open), default signal handling and an empty signal mask;
/// its exit is read from the kernel.
public final class Spawned: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        case null
        /// The child gets this descriptor; the caller keeps its own.
        case handle(FileHandle)
        /// The child gets the pipe's far end (the write end for output, the read end for
        /// input), which is then closed here, so the near end sees end of file when the child
        /// is gone.
        case pipe(Pipe)
    }

    public let processIdentifier: pid_t
    private let exit = Mutex<ChildExit?>(nil)

    /// Starts `executable` with `arguments` and exactly `environment`.
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String],
        stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let streams = [(stdin, STDIN_FILENO), (stdout, STDOUT_FILENO), (stderr, STDERR_FILENO)]
        for (stream, target) in streams {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .handle(let handle):
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            case .pipe(let pipe):
                let end = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
            }
        }
        guard let closeFrom = closeFromAction else { throw SpawnError.noCloseFrom }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError.failed(executable.path, result) }
        processIdentifier = pid
        for (stream, target) in streams {
            if case .pipe(let pipe) = stream {
                try (target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
    }

    public enum SpawnError: Error {
        case failed(String, Int32)
        /// glibc before 2.34 has no `posix_spawn_file_actions_addclosefrom_np`.
        case noCloseFrom
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool {
        if exit.withLock({ $0 }) != nil { return false }
        var info = siginfo_t()
        let found = waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT)
        return found == 0 && info._sifields._sigchld.si_pid == 0
    }

    /// Sends `signal` while the child runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// SIGTERM, while the child runs.
    public func terminate() { send(SIGTERM) }

    /// Blocks until the child has exited, and says how. Any number of threads may wait.
    public func blockUntilExit() -> ChildExit {
        if let exit = exit.withLock({ $0 }) { return exit }
        var info = siginfo_t()
        // Waits without reaping, so that every waiter sees the exit; the first one reaps.
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        return exit.withLock { exit in
            if let exit { return exit }
            let value = info._sifields._sigchld.si_status
            let ended: ChildExit = Int(info.si_code) == Int(CLD_EXITED) ? .exited(value) : .signalled(value)
            var status: Int32 = 0
            _ = waitpid(processIdentifier, &status, 0)  // reaps it: it has exited, so at once
            exit = ended
            return ended
        }
    }

    /// Waits until the child has exited, on a thread of its own rather than one of the
    /// concurrency pool's, and says how.
    public func termination() async -> ChildExit {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: blockUntilExit()) }
        }
    }

    deinit {
        if isRunning {
            kill(processIdentifier, SIGKILL)
            _ = blockUntilExit()
        }
    }
}

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34), which Swift's Glibc module does
/// not declare; looked up by name.
private let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// The environment of this process without `TIDINGS_*` variables (and without any name in
/// `removing`), with `adding` on top: what the binaries under test start with.
public func childEnvironment(adding: [String: String], removing: Set<String> = []) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter {
        !$0.key.hasPrefix("TIDINGS_") && !removing.contains($0.key)
    }
    environment.merge(adding) { $1 }
    return environment
}
