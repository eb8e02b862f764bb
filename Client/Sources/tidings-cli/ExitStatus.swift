import TidingsClient

/// The exit statuses of `tidings-cli`.
enum ExitStatus {
    static let serverError: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
    /// Whatever read stdout went away (a closed pipe): 128 + SIGPIPE, as a shell reports a
    /// writer that SIGPIPE ended.
    static let outputClosed: Int32 = 141
}

extension TidingsClientError {
    /// The exit status for this failure.
    var exitStatus: Int32 {
        switch self {
        case .server, .invalidResponse: ExitStatus.serverError
        case .unreachable: ExitStatus.unreachable
        case .invalidRequest: ExitStatus.usage
        }
    }

    /// The line for stderr: the server's code and message, or why it could not be reached.
    var cliMessage: String {
        switch self {
        case .server(let status, let code, let message, _): "error: \(code) (HTTP \(status)): \(message)"
        case .unreachable(let reason): "error: cannot reach the server: \(reason)"
        case .invalidResponse(let reason): "error: unexpected answer from the server: \(reason)"
        case .invalidRequest(let reason): "error: \(reason)"
        }
    }
}
