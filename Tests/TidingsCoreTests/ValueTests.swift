import Testing

@testable import TidingsCore

@Suite("Timestamps, message ids and identifiers")
struct ValueTests {
    @Test("timestamps are RFC 3339 UTC with milliseconds")
    func formatting() {
        #expect(Timestamp(milliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: 1_795_428_902_123).rfc3339 == "2026-11-23T10:15:02.123Z")
        #expect(Timestamp(milliseconds: 951_782_400_000).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: 253_402_300_800_000).rfc3339 == "10000-01-01T00:00:00.000Z")
        // Formatting and parsing agree everywhere from year 0 to 9999.
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -62_167_219_200_000...253_402_300_799_999)
            #expect(Timestamp(rfc3339: Timestamp(milliseconds: milliseconds).rfc3339)?.milliseconds == milliseconds)
        }
    }

    @Test("RFC 3339 parsing accepts offsets and fractions and refuses junk")
    func parsing() {
        #expect(Timestamp(rfc3339: "2026-11-23T10:15:02.123Z")?.milliseconds == 1_795_428_902_123)
        #expect(Timestamp(rfc3339: "2026-11-23T11:15:02.1+01:00")?.milliseconds == 1_795_428_902_100)
        #expect(Timestamp(rfc3339: "2026-11-23T10:15:02Z")?.milliseconds == 1_795_428_902_000)
        // More than three fractional digits are truncated to milliseconds (they crashed once).
        #expect(Timestamp(rfc3339: "2026-11-23T10:15:02.1239Z")?.milliseconds == 1_795_428_902_123)
        #expect(Timestamp(rfc3339: "2026-11-23T10:15:02.123456789-00:00")?.milliseconds == 1_795_428_902_123)
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        let junks = [
            "", "2026-11-23", "2026-13-01T00:00:00Z", "2026-11-23T10:15:02", "yesterday", "2026-02-29T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-23T10:15:02.Z",
        ]
        for junk in junks {
            #expect(Timestamp(rfc3339: junk) == nil)
        }
    }

    @Test("formatting and parsing agree over many instants")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let instant = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            #expect(Timestamp(rfc3339: Timestamp(milliseconds: instant).rfc3339)?.milliseconds == instant)
        }
    }

    @Test("message ids carry their sequence and refuse anything else")
    func messageIDs() {
        for sequence: Int64 in [1, 61, 62, 123_456_789, Int64.max] {
            let id = MessageID(sequence: sequence, token: -42)
            #expect(MessageID(id.string) == id)
        }
        for junk in ["", "msg_", "msg_!!!!!!!!!!!1", "user_000000000001", "msg_0000000000011extra-stuff-here"] {
            #expect(MessageID(junk) == nil)
        }
    }

    @Test("random tokens fill the whole batch, past getrandom's 256-byte guarantee, and differ")
    func randomTokens() {
        let tokens = MessageID.randomTokens(1000)
        #expect(tokens.count == 1000)
        // 1,000 draws from 2^64: a repeat or a zero left unfilled would be a bug, not chance.
        #expect(Set(tokens).count == 1000)
        #expect(!tokens.suffix(100).contains(0))
        #expect(MessageID.randomTokens(0).isEmpty)
    }

    @Test("user and channel ids follow section 1")
    func identifiers() {
        #expect(Identifiers.isValidUserID("user-1"))
        #expect(Identifiers.isValidUserID("ünïcode/with spaces"))
        #expect(!Identifiers.isValidUserID(""))
        #expect(!Identifiers.isValidUserID("tab\there"))
        #expect(!Identifiers.isValidUserID(String(repeating: "a", count: 257)))
        #expect(Identifiers.isValidUserID(String(repeating: "a", count: 256)))
        #expect(Identifiers.isValidChannelID("in-app.web_2"))
        #expect(!Identifiers.isValidChannelID("in app"))
        #expect(!Identifiers.isValidChannelID(String(repeating: "c", count: 65)))
        #expect(!Identifiers.isValidChannelID(""))
    }

    @Test("a user id is refused exactly when it holds a control character (category Cc)")
    func userIDControlCharacters() {
        let scalars = (0...0x2FFF).compactMap(Unicode.Scalar.init) + [0xFEFF, 0x1_F600, 0x10_FFFF].compactMap(Unicode.Scalar.init)
        var refused = 0
        for scalar in scalars {
            let isControl = scalar.properties.generalCategory == .control
            if isControl { refused += 1 }
            #expect(Identifiers.isValidUserID("a\(scalar)b") == !isControl, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(refused == 65)
    }
}
