import Foundation
import Hummingbird

// The plain-HTTP ceiling that issue 8 compares feed reads with: Hummingbird's own HTTP/1.1
// server in its default configuration, one route that answers "Hello!", no middleware, no
// database. `Benchmarks/bench.py` reads `GET /hello` from it with the same client and
// connections as the feed, in interleaved turns.
//
//     tidings-hello PORT        (listens on 127.0.0.1:PORT until SIGTERM or SIGINT)

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]), (0...65535).contains(port) else {
    FileHandle.standardError.write(Data("usage: tidings-hello PORT\n".utf8))
    exit(2)
}

let router = Router()
router.get("hello") { _, _ in "Hello!" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "tidings-hello"))
try await app.runService()
