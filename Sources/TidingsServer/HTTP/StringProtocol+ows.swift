extension StringProtocol {
    /// Without the optional whitespace HTTP allows around header values and their parts
    /// (spaces and tabs, RFC 9110 5.6.3). Foundation's `trimmingCharacters(in:)` went
    /// through `NSString` on Linux: about 6 µs per call, on every request.
    var trimmingOWS: SubSequence {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
