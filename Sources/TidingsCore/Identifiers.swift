/// Validation of the identifiers clients choose (API.md section 1).
public enum Identifiers {
    /// A user id is 1–256 bytes of UTF-8 with no control characters.
    ///
    /// The control characters (general category Cc, a set Unicode never changes) are
    /// U+0000–U+001F and U+007F–U+009F: in UTF-8, the bytes below 0x20, 0x7F, and 0xC2
    /// followed by 0x80–0x9F. Checked on the bytes, since a 1,000-recipient create checks
    /// a thousand ids and the scalar properties' table lookup was 3 % of its CPU.
    public static func isValidUserID(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { bytes in
            guard bytes.count >= 1, bytes.count <= 256 else { return false }
            var afterC2 = false
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F || (afterC2 && byte < 0xA0) { return false }
                afterC2 = byte == 0xC2
            }
            return true
        }
    }

    /// A channel id is 1–64 characters of `[A-Za-z0-9._-]`.
    public static func isValidChannelID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard bytes.count >= 1, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// Validates a user id, throwing the catalogue error.
    public static func userID(_ id: String) throws(TidingsError) -> String {
        guard isValidUserID(id) else { throw .invalidUserID }
        return id
    }

    /// Validates a channel id, throwing the catalogue error.
    public static func channelID(_ id: String) throws(TidingsError) -> String {
        guard isValidChannelID(id) else { throw .invalidChannelID }
        return id
    }
}

/// A user's feed: the pair (user, channel).
public struct FeedKey: Hashable, Sendable {
    public let userID: String
    public let channelID: String

    public init(userID: String, channelID: String) {
        self.userID = userID
        self.channelID = channelID
    }

    /// A stable 64-bit fingerprint (FNV-1a) binding cursors to this feed. Not a secret:
    /// it only lets the server tell a cursor of another feed from one of this feed.
    public var fingerprint: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in userID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3  // separator no UTF-8 string contains
        for byte in channelID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
