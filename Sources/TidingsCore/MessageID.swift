/// The public id of a message: `msg_` followed by a random token and the message's
/// sequence. The sequence makes lookups a primary-key read; the token makes ids
/// unguessable, so knowing one id says nothing about the next.
/// Bulk operations use the same shape with the prefix `bulk_`.
public struct MessageID: Hashable, Sendable {
    public let sequence: Int64
    public let token: Int64
    public let prefix: String

    public static let bulkPrefix = "bulk_"

    public init(sequence: Int64, token: Int64, prefix: String = "msg_") {
        self.sequence = sequence
        self.token = token
        self.prefix = prefix
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let tokenLength = 11  // 62^11 > 2^64

    public var string: String {
        prefix + Self.base62(UInt64(bitPattern: token), width: Self.tokenLength) + Self.base62(UInt64(sequence), width: 1)
    }

    /// Parses an id; `nil` for anything that is not one (it is then simply not found).
    public init?(_ text: String, prefix: String = "msg_") {
        let bytes = Array(text.utf8)
        let start = prefix.utf8.count
        guard bytes.count > start + Self.tokenLength, bytes.count <= start + Self.tokenLength + 11,
            bytes.starts(with: Array(prefix.utf8)),
            let token = Self.decode(bytes[start..<(start + Self.tokenLength)]),
            let sequence = Self.decode(bytes[(start + Self.tokenLength)...]), sequence <= UInt64(Int64.max)
        else { return nil }
        self.init(sequence: Int64(sequence), token: Int64(bitPattern: token), prefix: prefix)
        guard string == text else { return nil }
    }

    private static func base62(_ value: UInt64, width: Int) -> String {
        var digits = [UInt8]()
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    private static func decode(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = alphabet.firstIndex(of: byte) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}
