import Testing
@testable import ArptopCore

@Suite("JSON")
struct JSONTests {
    @Test func parsesEveryKind() throws {
        let v = try JSONValue.parse(#" { "a" : [1, -2.5e3, true, false, null, "x"], "b": {} , "c": [] } "#)
        #expect(v == .object([
            ("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x")])),
            ("b", .object([])),
            ("c", .array([])),
        ]))
    }

    @Test func keepsIntegersExact() throws {
        let v = try JSONValue.parse("[18446744073709551615, -9223372036854775808]")
        #expect(v == .array([.number("18446744073709551615"), .number("-9223372036854775808")]))
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{c}\n\r\t"),
        (#""\u00e9\u0041""#, "éA"),
        (#""\ud83d\ude00""#, "😀"),
        (#""plain é 😀""#, "plain é 😀"),
    ])
    func stringEscapes(json: String, expected: String) throws {
        #expect(try JSONValue.parse(json) == .string(expected))
        #expect(try JSONValue.parse(JSONValue.string(expected).serialized) == .string(expected))
    }

    @Test(arguments: [
        ("", 1, true),
        ("{", 2, true),
        (#"{"a""#, 5, true),
        (#"{"a":"#, 6, true),
        (#"{"a":1"#, 7, true),
        (#"{"a":"xy"#, 9, true),
        ("[1,", 4, true),
        ("tru", 4, true),
        ("-", 2, true),
        (#"{"a" 1}"#, 6, false),
        (#"{"a":1,}"#, 8, false),
        (#"{a:1}"#, 2, false),
        ("[1 2]", 4, false),
        ("01", 2, false),
        ("1.", 3, true),
        ("1.e", 3, false),
        ("nul", 4, true),
        ("nulx", 1, false),
        (#""a\qb""#, 3, false),
        (#""\ud83d""#, 8, false),
        ("\"a\u{1}\"", 3, false),
        ("{} x", 4, false),
    ])
    func errorsGiveAColumn(json: String, column: Int, endOfInput: Bool) {
        do {
            _ = try JSONValue.parse(json)
            Issue.record("parsed \(json)")
        } catch {
            #expect(error.column == column, "\(error)")
            #expect(error.isEndOfInput == endOfInput, "\(error)")
        }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func writesCompactlyInOrder() {
        let v = JSONValue.object([("z", .int(1)), ("a", .array([.bool(true), .null])), ("m", .string("q\""))])
        #expect(v.serialized == #"{"z":1,"a":[true,null],"m":"q\""}"#)
    }

    @Test func writerEscapesAndSpellsNumbers() throws {
        var w = JSONWriter()
        w.beginObject()
        w.member("s", "a\"b\\c\n\u{01}\u{1f}é")
        w.member("min", Int64.min)
        w.member("max", UInt64.max)
        w.member("neg", Int32(-18))
        w.member("zero", 0)
        w.key("ip")
        w.ipv4(IPv4("10.77.0.9")!)
        w.key("mac")
        w.mac([0x02, 0xab, 0, 0x10, 0xff, 0x0c])
        w.key("empty")
        w.beginArray()
        w.endArray()
        w.key("nested")
        w.beginArray()
        w.beginObject()
        w.endObject()
        w.bool(false)
        w.null()
        w.endArray()
        w.endObject()
        let text = w.text
        #expect(text == #"{"s":"a\"b\\c\n\u0001\u001fé","min":-9223372036854775808,"max":18446744073709551615,"neg":-18,"zero":0,"#
            + #""ip":"10.77.0.9","mac":"02:ab:00:10:ff:0c","empty":[],"nested":[{},false,null]}"#)
        // What the writer writes, the parser reads back as written.
        let parsed = try JSONValue.parse(text)
        #expect(try JSONFields(parsed).string("s") == "a\"b\\c\n\u{01}\u{1f}é")
        #expect(parsed.serialized == text)
    }

    @Test("the writer grows its buffer: a long line written from a small buffer is whole")
    func writerGrowsPastItsBuffer() throws {
        var w = JSONWriter(capacity: 1)
        let long = String(repeating: "ab\"\u{1}", count: 3_000)
        w.beginArray()
        for i in 0..<500 { w.int(Int64.min + Int64(i)) }
        w.string(long)
        w.string("k")
        w.endArray()
        w.newline()
        let text = w.text
        #expect(w.count == text.utf8.count)
        #expect(text.hasPrefix("[-9223372036854775808,-9223372036854775807,"))
        #expect(text.hasSuffix(String(repeating: #"ab\"\u0001"#, count: 3_000) + "\",\"k\"]\n"))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (-1_000, "1969-12-31T23:59:59.999999Z"),
        (1_709_164_800_123_456_789, "2024-02-29T00:00:00.123456Z"),
        (4_102_444_799_999_999_000, "2099-12-31T23:59:59.999999Z"),
    ] as [(Int64, String)])
    func writerSpellsUTCTimes(epochNs: Int64, expected: String) {
        var w = JSONWriter()
        w.utcTime(epochNs: epochNs)
        #expect(w.text == "\"" + expected + "\"")
    }
}
