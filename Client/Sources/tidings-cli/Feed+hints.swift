import TidingsAPI

extension Feed {
    /// The commands that read the pages next to `page`, newer then older, as lines to show
    /// under it; none after `--all`, which has walked to the end.
    func pagingHints(for page: FeedPage, style: Style) -> [String] {
        guard !all else { return [] }
        var hints = [String]()
        if let cursor = page.pageInfo.before { hints.append("newer: " + command(paging: "--before", from: cursor)) }
        if let cursor = page.pageInfo.after { hints.append("older: " + command(paging: "--after", from: cursor)) }
        return hints.map(style.dim)
    }

    /// This command with every option that shaped the page (so following it keeps a peek a
    /// peek), paging from `cursor`, quoted for a POSIX shell. Not the credential: a key or
    /// token is not printed; `--url` only when it was given as a flag.
    func command(paging option: String, from cursor: String) -> String {
        var words = ["tidings-cli", "feed"]
        if let url = global.url { words += ["--url", url] }
        words += ["--user", user]
        if channel != "in-app" { words += ["--channel", channel] }
        if let pageSize { words += ["--page-size", String(pageSize)] }
        if let status { words += ["--status", status.rawValue] }
        if let archived { words += ["--archived", archived.rawValue] }
        if let source { words += ["--source", source] }
        if let tenant { words += ["--tenant", tenant] }
        if !markSeen { words.append("--no-mark-seen") }
        words += [option, cursor]
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// `word` as the shell reads it back: as it is when it holds only safe characters,
    /// else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { $0.isASCII && Self.safeInShell.contains($0) }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static let safeInShell = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-".unicodeScalars)
}
