import Foundation
import NIOCore
import Testing
import TidingsBench

@Suite("the load generator's pieces")
struct BenchLibraryTests {
    @Test("the open-polls gauge is read from a Prometheus exposition, with or without labels")
    func gauge() {
        let exposition = """
            # TYPE tidings_open_polls_other gauge
            tidings_open_polls_other 7
            # TYPE tidings_open_polls gauge
            tidings_open_polls 10000.0
            """
        #expect(OpenPollsGauge.parse(exposition) == 10000)
        #expect(OpenPollsGauge.parse("tidings_open_polls{instance=\"a b\"} 3") == 3)
        #expect(OpenPollsGauge.parse("tidings_http_requests_total 5") == nil)
    }

    @Test("creates take their recipients in turn from the pool, distinct within a request")
    func recipients() throws {
        let bodies = CreateBodies(users: ["a", "b", "c", "d", "e"], recipientsPerRequest: 2)
        #expect((0..<5).map(bodies.recipients(ofRequest:)) == [[0, 1], [2, 3], [4, 0], [1, 2], [3, 4]])
        let quoted = CreateBodies(users: [#"we"ird\"#], recipientsPerRequest: 1)
        let body = quoted.body(ofRequest: 7)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        #expect(object["recipients"] as? [String] == [#"we"ird\"#])
        #expect(object["source"] as? String == "bench")
    }

    @Test("latency summaries are in milliseconds and in order")
    func latency() {
        var recorder = LatencyRecorder()
        for micros in 1...1000 { recorder.record(.microseconds(Int64(micros * 10))) }
        let summary = recorder.summary
        #expect(summary.count == 1000)
        #expect(summary.minMs == 0.01)
        #expect(summary.maxMs == 10)
        #expect(abs(summary.medianMs - 5) < 0.01)
        #expect(summary.medianMs <= summary.p90Ms && summary.p90Ms <= summary.p99Ms && summary.p99Ms <= summary.maxMs)
        let empty = LatencyRecorder().summary
        #expect(empty.count == 0 && empty.medianMs == 0 && empty.maxMs == 0)
    }

    @Test("paths are percent-encoded and keep the URL's prefix")
    func paths() throws {
        let target = try BenchTarget(url: "http://127.0.0.1:9000/api/", apiKey: "sk")
        #expect(target.authority == "127.0.0.1:9000")
        #expect(
            target.feedPath(user: "a b/c", channel: "in-app")
                == "/api/v1/users/a%20b%2Fc/feeds/in-app?page_size=50&mark_seen=false")
        #expect(
            target.updatesPath(user: "u", channel: "c", since: "x+y=", timeout: 60)
                == "/api/v1/users/u/feeds/c/updates?since=x%2By%3D&timeout=60")
        #expect(
            target.updatesPath(user: "u", channel: "c", since: nil, timeout: 60) == "/api/v1/users/u/feeds/c/updates")
        #expect(throws: (any Error).self) { try BenchTarget(url: "https://example.com", apiKey: "sk") }
    }
}
