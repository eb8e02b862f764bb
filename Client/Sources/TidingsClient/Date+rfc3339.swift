import Foundation
import TidingsCore

extension Date {
    /// Parses a timestamp as the API writes it (RFC 3339, e.g. `2026-11-23T10:15:02.123Z`),
    /// with the same parser the server uses; `nil` when malformed.
    public init?(rfc3339 text: String) {
        guard let timestamp = Timestamp(rfc3339: text) else { return nil }
        self.init(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
    }
}
