import ArgumentParser
import TidingsAPI
import TidingsClient

/// `tidings-cli feed`: one page of a user's feed, or every page with `--all`.
struct Feed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a user's feed, newest first.",
        discussion: """
            Reading marks the entries shown as seen, as a frontend's read does; \
            --no-mark-seen peeks without changing anything. With --json, prints one line \
            per entry, then one line {"meta": …, "page_info": …}; with --all, that last \
            line is the last page's, with marked_seen summed over every page. Under a \
            page, the commands for the newer and older pages keep every option given.

            Examples:
              tidings-cli feed --user user-1
              tidings-cli feed --user user-1 --status unread --no-mark-seen
              tidings-cli feed --user user-1 --after CURSOR
              tidings-cli feed --user user-1 --all --json | jq -r .id
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The user whose feed to read.")
    var user: String

    @Option(help: "The channel.")
    var channel = "in-app"

    @Option(help: ArgumentHelp("Entries per page (1-\(FeedOptions.maximumPageSize)).", valueName: "n"))
    var pageSize: Int?

    @Option(help: "Which entries: all, unread, read, unseen or seen.")
    var status: FeedOptions.Status?

    @Option(help: "Archived entries: exclude, include or only.")
    var archived: FeedOptions.Archived?

    @Option(help: "Only entries with this source key.")
    var source: String?

    @Option(help: "This tenant's entries plus those with no tenant.")
    var tenant: String?

    @Option(help: ArgumentHelp("The page of older entries after this cursor.", valueName: "cursor"))
    var after: String?

    @Option(help: ArgumentHelp("The page of newer entries before this cursor.", valueName: "cursor"))
    var before: String?

    @Flag(help: "Walk every page (older ones, or newer ones from --before) until the end.")
    var all = false

    @Flag(inversion: .prefixedNo, help: "Mark the entries shown as seen (the default), or only peek.")
    var markSeen = true

    func validate() throws {
        if after != nil, before != nil { throw ValidationError("give either --after or --before, not both") }
        if let pageSize, !(1...FeedOptions.maximumPageSize).contains(pageSize) {
            throw ValidationError("--page-size must be between 1 and \(FeedOptions.maximumPageSize)")
        }
    }

    var options: FeedOptions {
        FeedOptions(
            pageSize: pageSize, after: after, before: before, status: status, archived: archived, source: source,
            tenant: tenant, markSeen: markSeen)
    }

    func run() async throws {
        let client = try global.makeClient()
        let format = HumanFormat()
        var last: FeedPage?
        var markedSeen = 0
        var shown = 0
        if all { Console.progress("reading page 1…") }
        for try await page in client.feedPages(user: user, channel: channel, options: options) {
            markedSeen += page.meta.markedSeen
            shown += page.entries.count
            if all { Console.progress(nil) }  // rows and progress may share one terminal
            for entry in page.entries {
                if global.json { try Console.json(entry) } else { Console.line(format.row(entry)) }
            }
            last = page
            guard all else { break }
            Console.progress("read \(shown) of \(page.meta.totalCount) entries…")
        }
        if all { Console.progress(nil) }
        guard var last else { return }
        last.meta.markedSeen = markedSeen
        if global.json {
            try Console.json(FeedSummary(meta: last.meta, pageInfo: last.pageInfo))
        } else {
            if shown == 0 { Console.line(format.style.dim("(no entries)")) }
            Console.line(format.footer(last.meta))
            for hint in pagingHints(for: last, style: format.style) { Console.line(hint) }
        }
    }
}

/// The last line of `feed --json`: the page's counts and cursors.
struct FeedSummary: Encodable {
    var meta: FeedPage.Meta
    var pageInfo: FeedPage.PageInfo

    enum CodingKeys: String, CodingKey {
        case meta
        case pageInfo = "page_info"
    }
}
