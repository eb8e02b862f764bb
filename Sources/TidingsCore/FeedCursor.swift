import Foundation

/// An opaque position in one feed: either in its messages (`after`/`before`, `__cursor`)
/// or in its update stream (`updates_cursor`, long-poll `since`). The encoding binds the
/// position to its feed and its kind, so a cursor of another feed or kind is refused.
public struct FeedCursor: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case message = 0x6d  // "m"
        case update = 0x75  // "u"
    }

    public let kind: Kind
    public let feedFingerprint: UInt64
    /// The message sequence (for `.message`) or update-stream position (for `.update`).
    public let position: Int64

    public init(kind: Kind, feed: FeedKey, position: Int64) {
        self.kind = kind
        self.feedFingerprint = feed.fingerprint
        self.position = position
    }

    /// The opaque string form: base64url (no padding) of kind, fingerprint and position.
    public var encoded: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(17)
        bytes.append(kind.rawValue)
        withUnsafeBytes(of: feedFingerprint.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: position.bigEndian) { bytes.append(contentsOf: $0) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes `text` as a cursor of `kind` for `feed`, or throws `invalid_cursor`.
    public static func decode(_ text: String, kind: Kind, feed: FeedKey) throws(TidingsError) -> FeedCursor {
        guard text.utf8.count == 23 else { throw .invalidCursor }
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "="
        guard let data = Data(base64Encoded: base64), data.count == 17, data[data.startIndex] == kind.rawValue else {
            throw .invalidCursor
        }
        let bytes = [UInt8](data)
        let fingerprint = bytes[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let position = Int64(bitPattern: bytes[9..<17].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        guard fingerprint == feed.fingerprint, position >= 0 else { throw .invalidCursor }
        let cursor = FeedCursor(kind: kind, feed: feed, position: position)
        // Re-encoding must give the same text: refuses non-canonical spellings of a cursor.
        guard cursor.encoded == text else { throw .invalidCursor }
        return cursor
    }
}
