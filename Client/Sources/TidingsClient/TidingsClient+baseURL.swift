import Foundation

extension TidingsClient {
    /// The ports a server URL may name.
    public static let validPorts = 1...65535

    /// Why `url` cannot be a server's base URL, as a phrase that follows the URL's name
    /// ("must be …"), or `nil` when it can: an `http` or `https` URL with a host and, if it
    /// names a port, one in `validPorts`.
    public static func baseURLProblem(_ url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            return "must be an http:// or https:// URL with a host"
        }
        if let port = writtenPort(of: url), !(Int(port).map(validPorts.contains) ?? false) {
            return "must have a port between \(validPorts.lowerBound) and \(validPorts.upperBound)"
        }
        return nil
    }

    /// The port as written in `url`'s authority, if any: `URL.port` reads one too large for
    /// an `Int` as no port at all, which would quietly mean port 80.
    private static func writtenPort(of url: URL) -> Substring? {
        let text = url.absoluteString
        guard let schemeEnd = text.range(of: "://") else { return nil }
        var authority = text[schemeEnd.upperBound...].prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let bracket = authority.lastIndex(of: "]") { authority = authority[authority.index(after: bracket)...] }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        let port = authority[authority.index(after: colon)...]
        return port.isEmpty ? nil : port
    }
}
