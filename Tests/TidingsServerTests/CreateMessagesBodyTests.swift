import Foundation
import Hummingbird
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsServer

@Suite("Create bodies decoded with their fields' expected shapes")
struct CreateMessagesBodyTests {
    /// Bodies of every shape the validator must judge: well-formed ones, and each known
    /// field with the wrong shape, so both the fast paths and their fallbacks are compared.
    static let bodies = [
        #"{"recipients":["ann","bob"],"blocks":[{"type":"markdown","name":"body","content":"**hi**"}]}"#,
        #"{"recipients":["u"],"source":"s","tenant":"t","actor":{"id":"a","n":[1,{"x":null}]},"data":{"k":[true,2.5,"v"],"o":{}},"blocks":[{"type":"text","content":"x"}],"extra":[[]]}"#,
        #"{"recipients":null,"blocks":null,"actor":null,"data":null,"source":null}"#,
        #"{"recipients":["a",1,null],"blocks":[{"type":"text","content":"x"},"not a block",3],"actor":"me","data":[1,2]}"#,
        #"{"recipients":"ann","blocks":{"type":"text"},"actor":[{"id":"a"}],"data":42}"#,
        #"{"recipients":[],"blocks":[],"actor":{},"data":{}}"#,
        #"{"recipients":["\u00e9\ud83d\ude00","a\"b\\c"],"blocks":[{"content":1e3,"type":false}]}"#,
        #"{"recipients":["a"],"recipients":["b"]}"#,
        // Foundation's decoder also takes a trailing comma; both decodings must agree on it.
        #"{"recipients":["a",],"blocks":[{"type":"text","content":"x",},]}"#,
        #"{}"#, #"[]"#, #"["recipients"]"#, #""just a string""#, #"12"#, #"null"#, #"true"#,
    ]

    @Test("every body decodes to exactly what the generic JSONValue decoding gives")
    func sameAsGeneric() throws {
        for body in Self.bodies {
            let buffer = ByteBuffer(string: body)
            #expect(try CreateMessagesBody.parse(buffer) == JSONValue.parse(buffer), "\(body)")
        }
    }

    @Test("malformed JSON is 400 invalid_json, as with the generic decoding")
    func malformed() {
        for body in [#"{"recipients":"#, #"{"recipients":[,"a"]}"#, "", "{'a':1}", #"{"a":1}x"#] {
            for parse in [CreateMessagesBody.parse, JSONValue.parse] {
                let error = #expect(throws: TidingsErrorResponse.self, "\(body)") { try parse(ByteBuffer(string: body)) }
                #expect(error?.error.code == TidingsError.invalidJSON.code)
            }
        }
    }
}
