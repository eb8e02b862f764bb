/// How a child process ended (`Spawned`).
public enum ChildExit: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)

    /// The exit code, or the signal's number.
    public var status: Int32 {
        switch self {
        case .exited(let code), .signalled(let code): code
        }
    }
}
