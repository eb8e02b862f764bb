import Foundation
import Testing

@testable import TidingsServer

@Suite("Safe Markdown rendering")
struct SafeMarkdownTests {
    let markdown = SafeMarkdown()

    /// Tags the renderer itself produces; anything else in the output is an escape failure.
    static let ownTags: Set<String> = [
        "p", "strong", "em", "code", "pre", "a", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "br", "del", "s", "table", "thead", "tbody", "tr", "th", "td",
    ]

    /// Every `<` that opens a tag names one of the renderer's own, and every href is http(s)/mailto.
    static func check(_ html: String) -> String? {
        let scalars = Array(html.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "<" {
            var name = ""
            var cursor = index + 1
            if cursor < scalars.count, scalars[cursor] == "/" { cursor += 1 }
            while cursor < scalars.count, scalars[cursor].properties.isAlphabetic || ("0"..."9").contains(scalars[cursor]) {
                name.unicodeScalars.append(scalars[cursor])
                cursor += 1
            }
            if cursor < scalars.count, scalars[cursor] == "!" || scalars[cursor] == "?" { return "markup \(scalars[cursor])" }
            if !name.isEmpty && !ownTags.contains(name.lowercased()) { return "tag <\(name)>" }
        }
        var rest = html[...]
        while let range = rest.range(of: "href=\"") {
            let target = rest[range.upperBound...].lowercased()
            if !(target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:")) {
                return "href \(target.prefix(30))"
            }
            rest = rest[range.upperBound...]
        }
        if html.range(of: #"<[a-z]+[^>]*\son[a-z]+="#, options: [.regularExpression, .caseInsensitive]) != nil {
            return "event handler attribute"
        }
        return nil
    }

    @Test("the contract's example renders as shown")
    func example() {
        #expect(markdown.html("**Ann** replied") == "<p><strong>Ann</strong> replied</p>")
    }

    @Test(
        "known attacks come out inert",
        arguments: [
            "<script>alert(1)</script>", "hello <b>x</b> <img src=x onerror=alert(1)>", "&<img/src=x/onerror=alert(1)>;",
            "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", #"[x](http://a.com/"onmouseover="alert(1))"#,
            #"![a](x"onerror="alert(1))"#, "[x](data:text/html,hi)", "<!-- comment -->", "<?php ?>",
            "```x\"onmouseover=\"alert(1)\ncode\n```", "```((9<imghttp://\tonerror=\n```",
        ])
    func attacks(input: String) {
        let html = markdown.html(input)
        #expect(Self.check(html) == nil, "\(input) → \(html)")
    }

    @Test("inputs that crash or stall Ink render quickly", arguments: ["- a\n ", "1. a\n  ", "* x\n\t"])
    func trapInputs(input: String) {
        #expect(!markdown.html(input).isEmpty)
    }

    @Test("16 KiB of each special character renders without blowing up")
    func pathological() async {
        for unit in ["[", "![", "[a](", "*", "_", "&", "<", "`", ">", "-", "\\"] {
            let input = String(String(repeating: unit, count: 16 * 1024 / unit.utf8.count))
            let html = await Task { markdown.html(input) }.value
            #expect(Self.check(html) == nil, "\(unit) × n")
        }
    }

    @Test("links to allowed schemes keep working and are quoted safely")
    func links() {
        let html = markdown.html(#"see [1] and [y](https://ok.example/?a=1&b="2")"#)
        #expect(html.contains(#"<a href="https://ok.example/?a=1&amp;b=&quot;2&quot;" rel="nofollow noopener">y</a>"#))
        #expect(html.contains("[1]"))
        #expect(markdown.html("`a < b && c`").contains("<code>a &lt; b &amp;&amp; c</code>"))
        #expect(markdown.html("```swift\nlet a = b < c && d\n```") == "<pre><code class=\"language-swift\">let a = b &lt; c &amp;&amp; d\n</code></pre>")
    }

    @Test("fuzz: random Markdown-like input never crashes and yields only the renderer's tags")
    func fuzz() {
        let alphabet = Array("*_`[]()!<>&;#-+\n\t\\\"'=/:|~ abcxyzAZ019".unicodeScalars)
        let words = ["javascript:", "http://", "<img", "<script>", "onerror=", "&#x61;", "- ", "1. ", "```", "[a](", "![b]("]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var input = ""
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    input += words.randomElement(using: &generator)!
                } else {
                    input.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
                }
            }
            let html = markdown.html(input)
            if let problem = Self.check(html) {
                Issue.record("\(input.debugDescription) → \(html.debugDescription): \(problem)")
                return
            }
        }
    }
}

