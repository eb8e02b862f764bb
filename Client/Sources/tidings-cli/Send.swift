import ArgumentParser
import Foundation
import TidingsAPI
import TidingsClient

/// `tidings-cli send`: put one message into each recipient's feed (secret API key only).
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a message into users' feeds (needs a secret API key).",
        discussion: """
            One message is created per recipient, all or none. With --json, prints the \
            server's answer: {"messages": [{"id", "recipient", "channel_id", "inserted_at"}]}.

            Examples:
              tidings-cli send --channel in-app --to user-1 --markdown '**Ann** replied'
              tidings-cli send --to user-1 --to user-2 --text 'Build finished' \\
                  --source build-finished --data '{"build": 42}' --idempotency-key build-42
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The channel (the feed) to put the message in.")
    var channel = "in-app"

    @Option(name: .customLong("to"), help: ArgumentHelp("A recipient user id; repeat for more.", valueName: "user"))
    var recipients: [String] = []

    @Option(help: "The message as plain text.")
    var text: String?

    @Option(help: "The message as Markdown.")
    var markdown: String?

    @Option(help: "The source key, e.g. comment-created.")
    var source: String?

    @Option(help: "The tenant id.")
    var tenant: String?

    @Option(help: ArgumentHelp("Free-form data: a JSON object.", valueName: "json"))
    var data: String?

    @Option(help: ArgumentHelp("The actor's user id.", valueName: "id"))
    var actor: String?

    @Option(help: "The actor's display name (with --actor).")
    var actorName: String?

    @Option(help: "Makes a repeated send (same key, same body, within 24 hours) create nothing.")
    var idempotencyKey: String?

    func validate() throws {
        guard !recipients.isEmpty else { throw ValidationError("give at least one recipient with --to USER") }
        guard (text == nil) != (markdown == nil) else {
            throw ValidationError("give exactly one of --text or --markdown")
        }
        if actorName != nil, actor == nil { throw ValidationError("--actor-name needs --actor") }
        _ = try parsedData()
    }

    func run() async throws {
        let client = try global.makeClient()
        let block: CreateMessagesRequest.BlockInput =
            if let markdown { .init(type: .markdown, name: "body", content: markdown) } else {
                .init(type: .text, name: "body", content: text ?? "")
            }
        let request = CreateMessagesRequest(
            recipients: recipients, source: source, tenant: tenant,
            actor: actor.map { CreateMessagesRequest.Actor(id: $0, name: actorName) }, data: try parsedData(),
            blocks: [block])
        let created = try await client.createMessages(channel: channel, request, idempotencyKey: idempotencyKey)
        if global.json {
            try Console.json(created.response)
            return
        }
        for message in created.response.messages {
            Console.line("sent \(message.id) to \(message.recipient) on \(message.channelID)")
        }
        if created.replayed {
            Console.error("note: replayed the earlier answer for this idempotency key; nothing new was created")
        }
    }

    /// `--data` as a JSON object, or `nil` when absent.
    private func parsedData() throws -> [String: JSONValue]? {
        guard let data else { return nil }
        guard let value = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(data.utf8)),
            let object = value.objectValue
        else { throw ValidationError("--data must be a JSON object, e.g. '{\"post_id\": 42}'") }
        return object
    }
}
