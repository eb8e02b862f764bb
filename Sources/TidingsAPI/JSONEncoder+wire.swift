import Foundation

extension JSONEncoder {
    /// The encoder for everything Tidings puts on the wire: `/` stays `/`, so rendered
    /// HTML reads as HTML, and keys come sorted: Foundation on Linux otherwise orders them
    /// differently from one process to the next (an error body was `code` first in one run,
    /// `message` first in another).
    public static var wire: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }
}
