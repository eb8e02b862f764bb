import TidingsAPI
import TidingsCore

/// A `message.created` stream entry as its create wrote it, with its feed's counts right
/// after that create.
struct CreatedEntry: Sendable {
    var feed: FeedKey
    var feedID: Int64
    var counts: FeedCounts
    var entry: UpdateStream.Entry
}

/// What one commit added to one feed's stream, when all it added were created messages:
/// the entries and the feed's counts after them, both from the commit itself. A poll that
/// was waiting on the feed and is woken by this commit (see `UpdateHub.wait`) is answered
/// from it without reading the stream: a commit that wakes a thousand polls then costs no
/// thousand reads.
///
/// A transaction that reports created entries must report every entry it added to their
/// feeds, and change their counters only by those entries' creates (a transaction of
/// creates does nothing else), or a pushed answer would miss an entry or carry stale counts.
///
/// A class: the hub carries pushes as `any Sendable`, which boxed this (larger than an
/// existential's inline buffer) once per recipient, and each woken poll cast it back.
public final class CreatedUpdates: Sendable {
    let feed: FeedKey
    /// By position.
    let entries: [UpdateStream.Entry]
    let counts: FeedCounts
    /// The commit's round of wake-ups: what its woken polls hand off can wait for its end.
    public let round: PushRound

    init(feed: FeedKey, entries: [UpdateStream.Entry], counts: FeedCounts, round: PushRound) {
        self.feed = feed
        self.entries = entries
        self.counts = counts
        self.round = round
    }

    /// The answer to a poll on the feed waiting since `since` for at most `limit` events:
    /// empty if the commit added nothing after `since`, `nil` if the poll must read the
    /// stream instead (it takes fewer events than the commit added).
    public func answer(since: Int64, limit: Int) -> UpdatesBatch? {
        // Entries are by position: those after `since` are a suffix, nearly always all of them.
        let start = entries.firstIndex { $0.position > since } ?? entries.endIndex
        let after = start == entries.startIndex ? entries : Array(entries[start...])
        guard after.count <= limit else { return nil }
        return UpdatesBatch(
            feed: feed, entries: after, position: after.last?.position ?? since, hasMore: false, counts: counts)
    }

    /// The pushes of a transaction's created entries, aligned with them: for an entry whose
    /// feed has polls open (`polled`, aligned with the entries too), every entry of the
    /// transaction on that feed and the feed's counts at the commit (those after the feed's
    /// last entry, as the commit's creates ran in position order and nothing else in it
    /// changes counters); `nil` for the others. Empty when no feed is polled.
    static func pushes(_ created: [CreatedEntry], polled: [Bool], round: PushRound) -> [(any Sendable)?] {
        guard !created.isEmpty else { return [] }
        var pushes = [(any Sendable)?](repeating: nil, count: created.count)
        // Nearly always one entry per feed. A feed with more (creates of one group commit)
        // is pushed once all of its entries are known.
        var firstOf = [Int64: Int](minimumCapacity: created.count)
        var more = [Int64: [Int]]()
        var anyPolled = false
        for (index, isPolled) in polled.enumerated() where isPolled {
            anyPolled = true
            let feedID = created[index].feedID
            if let first = firstOf[feedID] {
                more[feedID, default: [first]].append(index)
            } else {
                firstOf[feedID] = index
            }
        }
        guard anyPolled else { return [] }
        for (feedID, index) in firstOf where more[feedID] == nil {
            let only = created[index]
            pushes[index] = CreatedUpdates(feed: only.feed, entries: [only.entry], counts: only.counts, round: round)
        }
        for indices in more.values {
            let entries = indices.map { created[$0] }.sorted { $0.entry.position < $1.entry.position }
            guard let last = entries.last else { continue }
            let push = CreatedUpdates(feed: last.feed, entries: entries.map(\.entry), counts: last.counts, round: round)
            for index in indices { pushes[index] = push }
        }
        return pushes
    }
}

/// The wake-ups of one commit's pushes (`UpdateHub.notify`), which all run on the thread
/// that notifies, one after another. A woken poll's callback can leave work to the end of
/// the round (`atEnd`): the answers bound for one event loop then cross to it in a few
/// pieces, the last after the last wake-up, instead of one lock and one hand-over per poll
/// while the loop is already writing the first ones.
public final class PushRound: @unchecked Sendable {
    // Unchecked: touched only by the notifying thread, during `notify` and at `end`.
    private var endings: [() -> Void] = []

    init() {}

    /// Runs `ending` when the round ends, on the notifying thread.
    public func atEnd(_ ending: @escaping () -> Void) { endings.append(ending) }

    /// Ends the round: runs what was left to its end, in the order it was left.
    func end() {
        let due = endings
        endings = []
        for ending in due { ending() }
    }
}
