import Foundation

extension JSONEncoder {
    /// The encoder for everything Tidings puts on the wire: `/` stays `/`, so rendered
    /// HTML reads as HTML.
    public static var wire: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
