import Foundation
import Testing

@testable import TidingsCore

@Suite("Feed cursors")
struct FeedCursorTests {
    let feed = FeedKey(userID: "user-1", channelID: "in-app")

    @Test("a cursor decodes back to its position")
    func roundTrip() throws {
        for position: Int64 in [0, 1, 42, 1 << 40, Int64.max] {
            let cursor = FeedCursor(kind: .message, feed: feed, position: position)
            #expect(try FeedCursor.decode(cursor.encoded, kind: .message, feed: feed).position == position)
        }
    }

    @Test("a cursor appended to bytes is its encoded text, whatever its kind, fingerprint and position")
    func appended() throws {
        for position: Int64 in [0, 1, 255, 256, 1 << 40, Int64.max] {
            for kind in [FeedCursor.Kind.message, .update] {
                for fingerprint: UInt64 in [0, 1, 0x0102_0304_0506_0708, feed.fingerprint, .max] {
                    let cursor = FeedCursor(kind: kind, feedFingerprint: fingerprint, position: position)
                    var bytes: [UInt8] = [0x21]
                    cursor.append(to: &bytes)
                    #expect(bytes == [0x21] + Array(cursor.encoded.utf8))
                    var payload = [kind.rawValue]
                    withUnsafeBytes(of: fingerprint.bigEndian) { payload += $0 }
                    withUnsafeBytes(of: position.bigEndian) { payload += $0 }
                    #expect(cursor.encoded == Self.foundationBase64URL(payload))
                }
            }
            let cursor = FeedCursor(kind: .update, feed: feed, position: position)
            var bytes = [UInt8]()
            cursor.append(to: &bytes)
            #expect(try FeedCursor.decode(String(decoding: bytes, as: UTF8.self), kind: .update, feed: feed) == cursor)
        }
    }

    @Test("base64url encoding equals Foundation's base64 with the URL alphabet and no padding, for every length")
    func base64URL() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var encoded = [UInt8]()
            bytes.withUnsafeBufferPointer { FeedCursor.appendBase64URL($0, to: &encoded) }
            #expect(String(decoding: encoded, as: UTF8.self) == Self.foundationBase64URL(bytes))
        }
    }

    /// Foundation's base64 with the URL alphabet and no padding.
    static func foundationBase64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("a cursor of another feed is invalid")
    func otherFeed() {
        let other = FeedCursor(kind: .message, feed: FeedKey(userID: "user-2", channelID: "in-app"), position: 5)
        #expect(throws: TidingsError.invalidCursor) { try FeedCursor.decode(other.encoded, kind: .message, feed: feed) }
        let otherChannel = FeedCursor(kind: .message, feed: FeedKey(userID: "user-1", channelID: "web"), position: 5)
        #expect(throws: TidingsError.invalidCursor) {
            try FeedCursor.decode(otherChannel.encoded, kind: .message, feed: feed)
        }
    }

    @Test("an update-stream cursor is not a message cursor")
    func otherKind() {
        let update = FeedCursor(kind: .update, feed: feed, position: 5)
        #expect(throws: TidingsError.invalidCursor) { try FeedCursor.decode(update.encoded, kind: .message, feed: feed) }
    }

    @Test("malformed cursors are invalid", arguments: ["", "abc", "!!!!!!!!!!!!!!!!!!!!!!!", String(repeating: "A", count: 23), "bW9vbg"])
    func malformed(text: String) {
        #expect(throws: TidingsError.invalidCursor) { try FeedCursor.decode(text, kind: .message, feed: feed) }
    }

    @Test("feed fingerprints separate user and channel")
    func fingerprintBoundary() {
        #expect(FeedKey(userID: "ab", channelID: "c").fingerprint != FeedKey(userID: "a", channelID: "bc").fingerprint)
    }
}
