#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

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

    private static let alphabet: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    private static let tokenLength = 11  // 62^11 > 2^64

    public var string: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(prefix.utf8.count + 2 * Self.tokenLength)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the id's text to `bytes` (what answers carrying many ids use).
    public func append(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: prefix.utf8)
        Self.appendBase62(UInt64(bitPattern: token), width: Self.tokenLength, to: &bytes)
        Self.appendBase62(UInt64(sequence), width: 1, to: &bytes)
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

    /// `value` in base 62, most significant digit first, zero-padded to `width` digits.
    private static func appendBase62(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 11) { digits in
            var count = 0
            var rest = value
            repeat {
                digits[count] = alphabet.utf8Start[Int(rest % 62)]
                rest /= 62
                count += 1
            } while rest > 0
            while count < width {
                digits[count] = UInt8(ascii: "0")
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }

    private static func digitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 36
        default: nil
        }
    }

    private static func decode(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = digitValue(byte) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}

extension MessageID {
    /// `count` tokens from the system's CSPRNG, 256 bytes per call: `Int64.random` makes a
    /// `getrandom(2)` call per token, which was 3 % of a 1,000-recipient create's CPU.
    public static func randomTokens(_ count: Int) -> [Int64] {
        var tokens = [Int64](repeating: 0, count: count)
        tokens.withUnsafeMutableBytes { buffer in
            var generator = SystemRandomNumberGenerator()
            var offset = 0
            while offset < buffer.count {
                let length = min(256, buffer.count - offset)  // getentropy's most per call
                if getentropy(buffer.baseAddress! + offset, length) != 0 {
                    // Not expected on Linux ≥ 3.17; the stdlib's generator never fails.
                    for at in stride(from: offset, to: buffer.count, by: 8) {
                        buffer.storeBytes(of: generator.next(), toByteOffset: at, as: UInt64.self)
                    }
                    return
                }
                offset += length
            }
        }
        return tokens
    }
}
