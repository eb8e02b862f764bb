#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit: every connection is a file descriptor, and ten thousand
/// waiting polls need more than the usual soft limit of 1,024.
public enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit; returns both afterwards.
    @discardableResult
    public static func raiseToHardLimit() -> (soft: Int, hard: Int) {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (0, 0) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return (clamp(limit.rlim_cur), clamp(limit.rlim_max))
    }

    /// Raises the limit and throws `BenchFailure.limits` when `needed` descriptors still do
    /// not fit under it.
    public static func ensure(_ needed: Int, for purpose: String) throws {
        let (soft, hard) = raiseToHardLimit()
        guard soft < needed else { return }
        throw BenchFailure.limits(
            "\(purpose) needs about \(needed) open files, but this process may open only \(soft) "
                + "(hard limit \(hard)); raise it (ulimit -n \(needed) as root, or LimitNOFILE) or ask for less")
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    private static func clamp(_ value: rlim_t) -> Int { value > rlim_t(Int.max) ? Int.max : Int(value) }
}
