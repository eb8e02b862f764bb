/// The public id of a message: `msg_` followed by a random token and the message's
/// sequence. The sequence makes lookups a primary-key read; the token makes ids
/// unguessable, so knowing one id says nothing about the next.
public struct MessageID: Hashable, Sendable {
    public let sequence: Int64
    public let token: Int64

    public init(sequence: Int64, token: Int64) {
        self.sequence = sequence
        self.token = token
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let tokenLength = 11  // 62^11 > 2^64

    public var string: String {
        "msg_" + Self.base62(UInt64(bitPattern: token), width: Self.tokenLength) + Self.base62(UInt64(sequence), width: 1)
    }

    /// Parses an id; `nil` for anything that is not one (it is then simply not found).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count > 4 + Self.tokenLength, bytes.count <= 4 + Self.tokenLength + 11,
            bytes.starts(with: Array("msg_".utf8)),
            let token = Self.decode(bytes[4..<(4 + Self.tokenLength)]),
            let sequence = Self.decode(bytes[(4 + Self.tokenLength)...]), sequence <= UInt64(Int64.max)
        else { return nil }
        self.init(sequence: Int64(sequence), token: Int64(bitPattern: token))
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
