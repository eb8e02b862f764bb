import ArgumentParser
import Foundation
import TidingsAPI
import TidingsClient

/// `tidings-cli mark`: change the engagement state of messages named by id.
struct Mark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark messages seen, unseen, read, unread, archived, unarchived or interacted.",
        discussion: """
            One id uses the per-message endpoint, several the batch endpoint (1,000 ids a \
            request). An id that does not exist (or, with a user token, is not that user's) is \
            reported on stderr and makes the exit status 1. With --json, prints each updated \
            item on its own line. A lone - reads the ids from standard input instead, \
            separated by white space: as many as a pipe brings.

            Examples:
              tidings-cli mark read msg_0Ab3dE5fG7h1
              tidings-cli mark archived msg_0Ab3dE5fG7h1 msg_9Zy8xW7vU6t2
              tidings-cli mark interacted msg_0Ab3dE5fG7h1 --metadata '{"button": "open"}'
              tidings-cli --json feed --user user-1 --all --no-mark-seen | jq -r '.id // empty' \
                | tidings-cli mark archived -
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to mark: seen, unseen, read, unread, archived, unarchived or interacted.")
    var action: EngagementAction

    @Argument(help: ArgumentHelp("The message ids, or - to read them from standard input.", valueName: "id"))
    var ids: [String]

    @Option(help: ArgumentHelp("With interacted: a JSON object of at most 5 keys.", valueName: "json"))
    var metadata: String?

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one message id") }
        if ids.count > 1, ids.contains("-") { throw ValidationError("- (ids from standard input) stands alone") }
        if metadata != nil, action != .interacted { throw ValidationError("--metadata goes with interacted only") }
        _ = try parsedMetadata()
    }

    func run() async throws {
        let client = try global.makeClient()
        let metadata = try parsedMetadata()
        // Thousands of ids as arguments cost ArgumentParser seconds (it grows with their
        // square); read from a pipe, they cost nothing.
        let ids = self.ids == ["-"] ? try Self.standardInputIDs() : self.ids
        let items =
            ids.count == 1
            ? [try await client.setEngagement(action, messageID: ids[0], metadata: metadata)]
            : try await client.batch(action, messageIDs: ids, metadata: metadata)
        let format = HumanFormat()
        for item in items {
            if global.json { try Console.json(item) } else { Console.line(format.row(item)) }
        }
        let found = Set(items.map(\.id))
        let missing = ids.filter { !found.contains($0) }
        guard missing.isEmpty else {
            Console.error("error: not found: \(missing.joined(separator: " "))")
            throw ExitCode(ExitStatus.serverError)
        }
    }

    /// The ids on standard input, separated by white space; at least one.
    private static func standardInputIDs() throws -> [String] {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let ids = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !ids.isEmpty else { throw ValidationError("no message id on standard input") }
        return ids
    }

    private func parsedMetadata() throws -> [String: JSONValue]? {
        guard let metadata else { return nil }
        guard let value = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(metadata.utf8)),
            let object = value.objectValue
        else { throw ValidationError("--metadata must be a JSON object") }
        return object
    }
}
