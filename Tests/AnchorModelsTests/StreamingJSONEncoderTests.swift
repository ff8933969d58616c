import Foundation
import Testing
@testable import AnchorModels

/// The streaming encoder must write the same JSON values as Foundation's encoder (key order
/// aside), and the same bytes whatever the process's hash seed.
@Suite struct StreamingJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var name: String
        var values: [Double]
        var flag: Bool?
    }

    struct Outer: Codable, Equatable {
        var id: Int
        var text: String
        var inner: Inner
        var list: [Inner]
        var map: [String: Double]
        var empty: [Int]
        var emptyMap: [String: Int]
        var optional: String?
        var nested: [[Int]]
        var pair: Pair
    }

    /// A hand-written conformance with an unkeyed container and a nested keyed container.
    struct Pair: Codable, Equatable {
        var a: Double
        var b: Double
        enum K: String, CodingKey { case a, b, sum }
        init(a: Double, b: Double) { self.a = a; self.b = b }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: K.self)
            a = try c.decode(Double.self, forKey: .a)
            b = try c.decode(Double.self, forKey: .b)
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(a, forKey: .a)
            var n = c.nestedUnkeyedContainer(forKey: .sum)
            try n.encode(a + b)
            try c.encode(b, forKey: .b)
        }
    }

    func sample() -> Outer {
        Outer(id: -42, text: "quote \" backslash \\ slash / newline \n tab \t bell \u{07} ünïcode ✓",
              inner: Inner(name: "x", values: [0, -0.5, 1e-300, 1.7976931348623157e308, 0.1 + 0.2, 3, -7, 12345678.25], flag: nil),
              list: [Inner(name: "a", values: [], flag: true), Inner(name: "b", values: [1], flag: false)],
              map: ["zeta": 1, "alpha": 2.5, "mid": -3e-7], empty: [], emptyMap: [:], optional: nil,
              nested: [[1, 2], [], [3]], pair: Pair(a: 1.5, b: 2))
    }

    @Test func decodesToTheSameValueAsFoundation() throws {
        let value = sample()
        for pretty in [true, false] {
            let bytes = try StreamingJSONEncoder(pretty: pretty).encode(value)
            let decoded = try JSONDecoder().decode(Outer.self, from: Data(bytes))
            #expect(decoded == value)
            // Same JSON objects as Foundation's encoder (key order is not part of JSON's value).
            let ours = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? NSDictionary
            #expect(ours != nil && ours == theirs)
        }
    }

    @Test func compactIsOneLineAndDictionariesAreSorted() throws {
        let text = String(decoding: try StreamingJSONEncoder(pretty: false).encode(sample()), as: UTF8.self)
        #expect(!text.contains("\n"))
        #expect(text.contains(#""map":{"alpha":2.5,"mid":-3e-07,"zeta":1}"#))
        #expect(text.contains(#"backslash \\ slash / newline \n tab \t bell \u0007 ünïcode ✓""#))
        #expect(text.contains(#""empty":[],"emptyMap":{}"#))
        #expect(!text.contains("optional"))
    }

    @Test func prettyLayoutMatchesFoundationForSortedKeys() throws {
        // Keys declared in sorted order: the bytes equal Foundation's pretty, sorted output
        // (except empty containers, which Foundation spreads over lines and this writes `[]`).
        struct Sorted: Encodable { var a: [Int]; var b: [String: Double]; var c: String; var d: [[Double]] }
        let v = Sorted(a: [1, 2], b: ["x": 0.25, "w": 2], c: "c/d", d: [[1e-9], [0.5]])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let foundation = String(decoding: try e.encode(v), as: UTF8.self)
        let ours = String(decoding: try StreamingJSONEncoder().encode(v), as: UTF8.self)
        #expect(ours == foundation)
    }

    @Test func nonFiniteNumbersBecomeStrings() throws {
        let text = String(decoding: try StreamingJSONEncoder(pretty: false).encode([Double.nan, .infinity, -.infinity, 1]), as: UTF8.self)
        #expect(text == #"["nan","inf","-inf",1]"#)
    }
}
