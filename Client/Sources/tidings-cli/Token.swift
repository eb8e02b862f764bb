import ArgumentParser
import Foundation
import TidingsTokens

/// `tidings-cli token`: mint a user token with the same code the server verifies it with.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint a user token (an HS256 JWT) from the server's signing secret.",
        discussion: """
            Prints the token alone, ready for --token, TIDINGS_TOKEN or a frontend. Needs no \
            server: it signs locally with the secret (--secret or TIDINGS_SIGNING_SECRET, at \
            least \(UserTokens.minimumSecretBytes) bytes).

            Examples:
              tidings-cli token --user user-1 --secret "$TIDINGS_SIGNING_SECRET"
              export TIDINGS_TOKEN=$(tidings-cli token --user user-1 --ttl 600)
              tidings-cli feed --user user-1 --token "$(tidings-cli token --user user-1)"
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The user id the token stands for (its sub claim).")
    var user: String

    @Option(help: ArgumentHelp("Seconds until the token expires.", valueName: "seconds"))
    var ttl = 3600

    @Option(help: ArgumentHelp("The server's signing secret (env TIDINGS_SIGNING_SECRET).", valueName: "secret"))
    var secret: String?

    func validate() throws {
        guard ttl > 0 else { throw ValidationError("--ttl must be a positive number of seconds") }
        guard !user.isEmpty else { throw ValidationError("--user must not be empty") }
    }

    func run() async throws {
        guard let secret = secret ?? GlobalOptions.environment("TIDINGS_SIGNING_SECRET") else {
            throw ValidationError("no signing secret: give --secret or set TIDINGS_SIGNING_SECRET")
        }
        guard secret.utf8.count >= UserTokens.minimumSecretBytes else {
            throw ValidationError("the signing secret must be at least \(UserTokens.minimumSecretBytes) bytes")
        }
        let tokens = await UserTokens(secret: secret)
        // Whole seconds: `exp` is a NumericDate, and integers are what other JWT tools expect.
        let expiresAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + Double(ttl)).rounded(.down))
        Console.line(try await tokens.mint(userID: user, expiresAt: expiresAt))
    }
}
