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
        self.init(kind: kind, feedFingerprint: feed.fingerprint, position: position)
    }

    /// A cursor of the feed whose `FeedKey.fingerprint` is `feedFingerprint` (computed once
    /// for a page of many items).
    public init(kind: Kind, feedFingerprint: UInt64, position: Int64) {
        self.kind = kind
        self.feedFingerprint = feedFingerprint
        self.position = position
    }

    /// The opaque string form: base64url (no padding) of kind, fingerprint and position.
    public var encoded: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(23)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `encoded` to `bytes`: the 17-byte payload (kind, then fingerprint and position
    /// big-endian) is laid out on the stack, not in an array (every poll answer writes two
    /// cursors, and every feed item one).
    public func append(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 17) { payload in
            payload[0] = kind.rawValue
            for index in 0..<8 {
                payload[1 + index] = UInt8(truncatingIfNeeded: feedFingerprint >> (56 - 8 * index))
                payload[9 + index] = UInt8(truncatingIfNeeded: position >> (56 - 8 * index))
            }
            Self.appendBase64URL(UnsafeBufferPointer(payload), to: &bytes)
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Appends base64url without padding (RFC 4648 §5) of `bytes`. Every poll answer and
    /// feed item carries a cursor, so this stays off Foundation's string replacing.
    static func appendBase64URL(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            if remaining == 2 { output.append(alphabet[Int(chunk >> 6 & 63)]) }
        }
    }

    /// Decodes `text` as a cursor of `kind` for `feed`, or throws `invalid_cursor`.
    public static func decode(_ text: String, kind: Kind, feed: FeedKey) throws(TidingsError) -> FeedCursor {
        guard text.utf8.count == 23 else { throw .invalidCursor }
        let standard = text.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        let base64 = String(decoding: standard, as: UTF8.self) + "="
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
