import Testing

@testable import TidingsServer

@Suite("Journal log handler")
struct JournalLogHandlerTests {
    @Test("levels map to syslog priorities and metadata keys to journal field names")
    func mapping() {
        #expect(JournalLogHandler.priority(.debug) == 7 && JournalLogHandler.priority(.info) == 6)
        #expect(JournalLogHandler.priority(.warning) == 4 && JournalLogHandler.priority(.critical) == 2)
        #expect(JournalLogHandler.fieldName("request-id") == "REQUEST_ID")
    }
}
