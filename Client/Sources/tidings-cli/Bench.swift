import ArgumentParser

/// `tidings-cli bench`: the load generator of issue 8, one subcommand a benchmark.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a server and measure it: ingest, feed reads, fan-out to long polls, bulk.",
        discussion: """
            A load generator on SwiftNIO: keep-alive HTTP/1.1 connections, one request at a \
            time each, latencies in HdrHistograms, timed on the event loop from writing a \
            request to reading its answer's last byte. It needs the secret API key (--key or \
            TIDINGS_API_KEY): it creates messages for many users (`bench http` needs none). \
            Each prints a summary (median, p99, max, throughput), or with --json one JSON \
            object. Exit status 1 \
            when a request failed or a poll was lost (after the report), 2 bad usage, 3 the \
            server could not be reached.

            Client and server share the machine: compare figures measured in the same run.

            Examples:
              tidings-cli bench ingest --recipients 1000 --messages 1000000 --concurrency 4
              tidings-cli bench feed --messages 100000 --duration 10
              tidings-cli bench fanout --polls 10000 --json
              tidings-cli bench bulk --messages 100000 --readers 4
              tidings-cli bench http /healthz --duration 5
            """,
        subcommands: [BenchIngest.self, BenchFeed.self, BenchFanout.self, BenchBulk.self, BenchHTTP.self])
}
