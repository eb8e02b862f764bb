import Foundation

/// The JSON coders the client uses for requests, answers and the CLI's output lines.
public enum JSONCoding {
    /// A decoder for the server's answers (the wire types carry their own key names).
    public static var decoder: JSONDecoder { JSONDecoder() }

    /// An encoder for one-line JSON: compact, keys sorted so lines are stable for tools.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
