import ArgumentParser
import TidingsBench

/// `tidings-cli bench http`: requests per second of plain GETs, the ceiling `bench feed` is
/// compared with.
struct BenchHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Requests per second and latency of GETs of one path: the plain-HTTP ceiling.",
        discussion: """
            GETs PATH (after --url's base path, percent-encoded, with its query) back to back \
            from --connections keep-alive clients, as `bench feed` reads feeds. Pointed at a \
            trivial endpoint, it gives the ceiling to compare feed reads with: Tidings' \
            `/healthz`, or the bare Hummingbird server of the benchmarks (`tidings-hello PORT`, \
            `GET /hello`). Needs no credential; a key or user token given is sent as the \
            bearer credential (to read a user's feed as that user). Runs for \
            --duration seconds (default 10) or --requests requests. Exit status 1 when the \
            path answers anything but 2xx.

            Examples:
              tidings-cli bench http /healthz --duration 5
              tidings-cli bench http /hello --url http://127.0.0.1:9090 --json
              tidings-cli bench http '/v1/users/ann/feeds/general?page_size=10' --token "$TOKEN"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var bench: BenchOptions

    @Argument(help: ArgumentHelp("The path to GET, with its query, e.g. /healthz.", valueName: "path"))
    var path: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Concurrent clients (connections).", valueName: "n"))
    var connections = 8

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Run for this many seconds (default 10 unless --requests).", valueName: "seconds"))
    var duration: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after this many requests.", valueName: "n"))
    var requests: Int?

    func validate() throws {
        _ = try bench.target(global, keyRequired: false)
        if let problem = HTTPBench.pathProblem(path) { throw ValidationError("\(problem), not '\(path)'") }
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be more than 0 seconds") }
    }

    func run() async throws {
        var http = HTTPBench(path: path)
        http.clients = connections
        http.requests = requests
        http.duration = (duration ?? (requests == nil ? 10 : nil))?.seconds
        let report = try await bench.run(global, connections: connections, keyRequired: false, purpose: "bench http") {
            [http] in try await http.run(on: $0)
        }
        try BenchReport.emit(
            report, json: global.json,
            lines: [
                "http: \(report.requests) GETs of \(report.path) (\(report.responseBytes)-byte answers), "
                    + "\(report.clients) connections, \(BenchReport.secondsText(report.durationS))",
                "  \(BenchReport.rate(report.requestsPerS)) requests/s",
                "  latency: \(BenchReport.latency(report.latency))",
            ])
        try BenchReport.failIf(BenchReport.failures(report.failures, of: "requests"))
    }
}
