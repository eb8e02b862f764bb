import Foundation
import Ink

/// Markdown to HTML that is safe to put in a page. Ink 0.6.0 passes raw HTML and
/// entity-like runs through, keeps any link scheme, does not escape quotes in URLs, traps
/// on some inputs and backtracks exponentially on unclosed `[` (STACK-NOTES §5). So the
/// input is pre-escaped (`&`, `<`), trimmed, stray `[` are escaped, and code, links and
/// images are rebuilt by modifiers with an http(s)/mailto allowlist.
struct SafeMarkdown: Sendable {
    /// Ink's parser is not `Sendable`, so each rendering builds its own (a few closures).
    private static func makeParser() -> MarkdownParser {
        let unescapeOnce: Modifier.Closure = { input in input.html.replacingOccurrences(of: "&amp;", with: "&") }
        return MarkdownParser(modifiers: [
            Modifier(target: .inlineCode, closure: unescapeOnce),
            Modifier(target: .codeBlocks) { html, markdown in
                Self.safeCodeBlock(html: unescapeOnce((html, markdown)), markdown: markdown)
            },
            Modifier(target: .links) { html, markdown in Self.safeLink(html: html, markdown: markdown) },
            Modifier(target: .images) { _, markdown in HTMLText.escape(String(markdown)) },
        ])
    }

    func html(_ markdown: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(markdown.utf8.count)
        for character in markdown {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            default: escaped.append(character)
            }
        }
        while let last = escaped.last, last.isWhitespace { escaped.removeLast() }  // Ink traps on "- a\n "
        return Self.makeParser().html(from: Self.escapeStrayBrackets(escaped))
    }

    /// Rebuilds an `[text](url)` anchor: allowed schemes only, URL quoted safely.
    private static func safeLink(html: String, markdown: Substring) -> String {
        guard markdown.hasSuffix(")") else { return String(markdown) }
        var start = markdown.startIndex
        while let separator = markdown[start...].range(of: "](") {
            let url = markdown[separator.upperBound..<markdown.index(before: markdown.endIndex)]
            let prefix = "<a href=\"\(url)\">"  // Ink inserts the URL verbatim
            if html.hasPrefix(prefix), html.hasSuffix("</a>") {
                let title = html.dropFirst(prefix.count).dropLast(4)
                let target = url.trimmingCharacters(in: .whitespaces)
                let lowered = target.lowercased()
                guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") || lowered.hasPrefix("mailto:")
                else { return String(title) }
                let attribute = target.replacingOccurrences(of: "\"", with: "&quot;")
                    .replacingOccurrences(of: "'", with: "&#39;")
                return "<a href=\"\(attribute)\" rel=\"nofollow noopener\">\(title)</a>"
            }
            start = separator.upperBound
        }
        return String(markdown)
    }

    /// Ink copies a fenced block's language into `class="language-…"` unescaped, so a quote
    /// in it would open an attribute: keep the language only when it is a plain word.
    private static func safeCodeBlock(html: String, markdown: Substring) -> String {
        let firstLine = markdown.prefix { $0 != "\n" }.drop { $0 == "`" }
        let language = firstLine.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0.isWhitespace }.reversed()
        let prefix = language.isEmpty ? "<pre><code>" : "<pre><code class=\"language-\(String(language))\">"
        guard html.hasPrefix(prefix), html.hasSuffix("</code></pre>") else {
            return "<pre><code>\(HTMLText.escape(String(markdown)))</code></pre>"
        }
        let code = html.dropFirst(prefix.count).dropLast("</code></pre>".count)
        let plainWord = !language.isEmpty && language.count <= 32
            && language.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-_.#".contains($0)) }
        return (plainWord ? "<pre><code class=\"language-\(String(language))\">" : "<pre><code>") + code + "</code></pre>"
    }

    /// Backslash-escapes every `[` that does not begin a one-line `[text](url)` whose text has
    /// no brackets and whose URL has no parentheses or spaces (looking at most 2 KiB ahead).
    static func escapeStrayBrackets(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        func linkEnd(from start: Int) -> Int? {
            var index = start + 1
            let limit = min(scalars.count, start + 2048)
            while index < limit, scalars[index] != "]" {
                if scalars[index] == "[" || scalars[index] == "\n" { return nil }
                index += 1
            }
            guard index + 1 < limit, scalars[index] == "]", scalars[index + 1] == "(" else { return nil }
            index += 2
            while index < limit, scalars[index] != ")" {
                if "( \n\t".unicodeScalars.contains(scalars[index]) { return nil }
                index += 1
            }
            return index < limit ? index + 1 : nil
        }
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count {
                output.append(scalars[index])
                output.append(scalars[index + 1])
                index += 2
                continue
            }
            if scalars[index] == "[" {
                if let end = linkEnd(from: index) {
                    output.append(contentsOf: scalars[index..<end])
                    index = end
                    continue
                }
                output.append("\\")
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}

/// Escaping of plain text for HTML.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
