import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a child process ended.
public enum ChildExit: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)

    /// The exit code, or the signal's number, as `Process.terminationStatus` gives it.
    public var status: Int32 {
        switch self {
        case .exited(let code), .signalled(let code): code
        }
    }
}

extension Process {
    /// Blocks until the process has exited, and says how.
    ///
    /// Unlike `waitUntilExit()`, this does not depend on Foundation noticing the exit: the suite
    /// starts many processes at once, and Foundation on Linux now and then never sees one of
    /// them end (it stays a zombie), which left `waitUntilExit()` blocking a thread of the
    /// concurrency pool for good and, with both of this machine's pool threads caught so, the
    /// whole suite. `waitid(WNOWAIT)` reads the status from the kernel without reaping, so
    /// Foundation still reaps the child when it gets to it.
    public func blockUntilExit() -> ChildExit {
        let pid = processIdentifier
        var info = siginfo_t()
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0 { break }
            if errno == EINTR { continue }
            // ECHILD: Foundation reaped it already, so it has its status.
            waitUntilExit()
            return terminationReason == .exit ? .exited(terminationStatus) : .signalled(terminationStatus)
        }
        let value = info._sifields._sigchld.si_status
        return Int(info.si_code) == Int(CLD_EXITED) ? .exited(value) : .signalled(value)
    }

    /// Waits until the process has exited, on a thread of its own rather than one of the
    /// concurrency pool's, and says how.
    public func termination() async -> ChildExit {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in continuation.resume(returning: blockUntilExit()) }
            thread.start()
        }
    }
}

extension Process {
    /// `run()`, clear of a Foundation bug that crashes the suite now and then.
    ///
    /// On Linux, `run()` lists `/proc/self/fd` to close the parent's descriptors in the child,
    /// and copies each entry's whole 256-byte name field however short the record: a record
    /// near the end of glibc's directory buffer is read past its end, which is a segfault when
    /// the next page is not mapped (swift-corelibs-foundation #5472, fixed after Swift 6.3.1;
    /// this suite crashed in about one run in six). Allocations of 32 KiB and more, that
    /// buffer among them, are made with `mmap` here, which leaves 4 KiB of mapped slack after
    /// it: room for any over-read.
    public func runClearOfFoundationOverread() throws {
        _ = directoryBufferInItsOwnMapping
        try run()
    }
}

/// `mallopt(M_MMAP_THRESHOLD, 32 KiB)`, once. Swift's Glibc module leaves out malloc.h, so
/// the function is looked up by name; M_MMAP_THRESHOLD is -3 there.
private let directoryBufferInItsOwnMapping: Void = {
    #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 32 * 1024)
    #endif
}()
