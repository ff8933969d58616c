/// Encodes an `Encodable` value as JSON straight into a byte buffer, in one pass.
///
/// Foundation's `JSONEncoder` first builds a tree of every value, then sorts and prints it;
/// on a 0.3 MB frame result that costs more than the registration itself, and on a 35 MB
/// `fit` batch it dominates the run. This encoder writes each value as it is encoded:
/// struct keys come out in the order the type encodes them (its declaration order for
/// synthesised conformances), and dictionaries with `String` keys in sorted key order so
/// that the bytes do not depend on the process's hash seed. Non-finite numbers are written
/// as the strings `"inf"`, `"-inf"`, `"nan"` (as the tool's `JSONEncoder` setup does; or
/// JavaScript's names, `nonFinite`); `/`
/// is not escaped; empty containers are written `[]` and `{}`.
///
/// Containers close when the encoder moves on to a shallower level or at the end, so a
/// type may keep a nested container open while it encodes more keys into it, as long as it
/// does not go back to an outer container in between (no synthesised or hand-written
/// conformance in the tool does).
package struct StreamingJSONEncoder {
    /// Two-space indentation and `"key" : value`, as Foundation's `.prettyPrinted`; `false`:
    /// no whitespace at all (one line, for JSON Lines).
    package var pretty: Bool
    /// The strings written for NaN, +∞ and −∞.
    package var nonFinite: NonFiniteNames

    /// The strings non-finite numbers are written as.
    package struct NonFiniteNames: Sendable {
        var nan: String, positiveInfinity: String, negativeInfinity: String
        /// "nan", "inf", "-inf": the tool's result files.
        package static let short = NonFiniteNames(nan: "nan", positiveInfinity: "inf", negativeInfinity: "-inf")
        /// "NaN", "Infinity", "-Infinity": what JavaScript's `Number()` reads back.
        package static let javaScript = NonFiniteNames(nan: "NaN", positiveInfinity: "Infinity", negativeInfinity: "-Infinity")
    }

    package init(pretty: Bool = true, nonFinite: NonFiniteNames = .short) {
        self.pretty = pretty
        self.nonFinite = nonFinite
    }

    /// The JSON text of `value` as UTF-8 bytes.
    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let sink = JSONByteSink(pretty: pretty, nonFinite: nonFinite)
        try sink.encodeValue(value, depth: 0)
        sink.closeAll()
        if sink.bytes.isEmpty { sink.append("{}") }
        return sink.bytes
    }
}

/// The buffer and the stack of open containers shared by an encoding's containers.
final class JSONByteSink {
    enum Kind { case object, array }
    struct Open {
        var kind: Kind
        var count: Int
    }

    // Unchecked: every access is from the one encoding call chain (the sink is never shared
    // between threads or held across calls), and the dynamic exclusivity checks on these two
    // were ~5 % of a frame's result.json.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    let pretty: Bool
    /// NaN, +∞ and −∞ as quoted JSON strings.
    let nan: String, positiveInfinity: String, negativeInfinity: String
    /// Open containers; the container at index k has depth k + 1.
    @exclusivity(unchecked) var stack: [Open] = []

    init(pretty: Bool, nonFinite: StreamingJSONEncoder.NonFiniteNames = .short) {
        self.pretty = pretty
        (nan, positiveInfinity, negativeInfinity) = ("\"\(nonFinite.nan)\"", "\"\(nonFinite.positiveInfinity)\"",
                                                     "\"\(nonFinite.negativeInfinity)\"")
        bytes.reserveCapacity(1 << 16)
    }

    @inline(__always) func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    func newline(depth: Int) {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Closes every container deeper than `depth`.
    func close(deeperThan depth: Int) {
        while stack.count > depth {
            let open = stack.removeLast()
            if open.count > 0 { newline(depth: stack.count) }
            bytes.append(open.kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    func closeAll() { close(deeperThan: 0) }

    /// Opens a container at `depth` (the level its value is written at, 0 = top).
    func open(_ kind: Kind, depth: Int) {
        close(deeperThan: depth)
        bytes.append(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        stack.append(Open(kind: kind, count: 0))
    }

    /// Starts the next element of the container at `depth` (its own depth, ≥ 1).
    func beginElement(depth: Int) {
        close(deeperThan: depth)
        if stack[depth - 1].count > 0 { bytes.append(UInt8(ascii: ",")) }
        stack[depth - 1].count += 1
        newline(depth: depth)
    }

    func beginKey(_ key: String, depth: Int) {
        beginElement(depth: depth)
        writeString(key)
        writeKeySeparator()
    }

    /// A key known not to need escaping (the tool's own snake_case ASCII keys).
    func beginKey(_ key: StaticString, depth: Int) {
        beginElement(depth: depth)
        bytes.append(UInt8(ascii: "\""))
        append(key)
        bytes.append(UInt8(ascii: "\""))
        writeKeySeparator()
    }

    private func writeKeySeparator() {
        if pretty { append(" : ") } else { bytes.append(UInt8(ascii: ":")) }
    }

    // MARK: scalars

    func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    append("\\u00")
                    bytes.append(hex[Int(c >> 4)])
                    bytes.append(hex[Int(c & 15)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeDouble(_ v: Double) {
        if v.isNaN { append(nan); return }
        if v.isInfinite { append(v > 0 ? positiveInfinity : negativeInfinity); return }
        if v == v.rounded(), abs(v) < 1e15 {
            writeInteger(Int64(v))
            if v == 0 && v.sign == .minus { bytes.insert(UInt8(ascii: "-"), at: bytes.count - 1) }
            return
        }
        // Swift's description is the shortest text that reads back to the same Double.
        append(v.description)
    }

    func writeFloat(_ v: Float) {
        if v.isNaN { append(nan); return }
        if v.isInfinite { append(v > 0 ? positiveInfinity : negativeInfinity); return }
        if v == v.rounded(), abs(v) < 1e7 { writeInteger(Int64(v)); return }
        append(v.description)
    }

    func writeInteger<I: BinaryInteger>(_ v: I) {
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: n % 10)
                n /= 10
                count += 1
            }
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// Writes `value` at `depth`: scalars directly, `JSONStreamWritable` values through their
    /// `writeJSON`, anything else through its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
        // The common scalars by type identity first: cheaper than a dynamic cast per value.
        if T.self == Double.self { writeDouble(unsafeBitCast(value, to: Double.self)); return }
        if T.self == Int.self { writeInteger(unsafeBitCast(value, to: Int.self)); return }
        if T.self == Bool.self { unsafeBitCast(value, to: Bool.self) ? append("true") : append("false"); return }
        if T.self == String.self { writeString(unsafeBitCast(value, to: String.self)); return }
        switch value {
        case let v as Double: writeDouble(v)
        case let v as Float: writeFloat(v)
        case let v as Int: writeInteger(v)
        case let v as Bool: v ? append("true") : append("false")
        case let v as String: writeString(v)
        case let v as any JSONStreamWritable: try v.writeJSON(to: JSONValueWriter(sink: self, depth: depth))
        default:
            let before = bytes.count
            try value.encode(to: StreamEncoder(sink: self, depth: depth, codingPath: []))
            // A value that encoded nothing is an empty object (as in Foundation).
            if bytes.count == before { append("{}") }
        }
    }
}

/// The `Encoder` handed to a value's `encode(to:)`: its containers write at `depth`.
struct StreamEncoder: Encoder {
    let sink: JSONByteSink
    let depth: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.open(.object, depth: depth)
        return KeyedEncodingContainer(KeyedStream<Key>(sink: sink, depth: depth + 1, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        sink.open(.array, depth: depth)
        return UnkeyedStream(sink: sink, depth: depth + 1, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleStream(sink: sink, depth: depth, codingPath: codingPath)
    }
}

struct KeyedStream<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: JSONByteSink
    /// The depth of this container's members.
    let depth: Int
    let codingPath: [any CodingKey]

    func encodeNil(forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.append("null") }
    func encode(_ value: Bool, forKey key: Key) throws {
        sink.beginKey(key.stringValue, depth: depth); value ? sink.append("true") : sink.append("false")
    }
    func encode(_ value: String, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeString(value) }
    func encode(_ value: Double, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeDouble(value) }
    func encode(_ value: Float, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeFloat(value) }
    func encode(_ value: Int, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: Int8, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: Int16, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: Int32, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: Int64, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: UInt, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: UInt8, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: UInt16, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: UInt32, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode(_ value: UInt64, forKey key: Key) throws { sink.beginKey(key.stringValue, depth: depth); sink.writeInteger(value) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        sink.beginKey(key.stringValue, depth: depth)
        try sink.encodeValue(value, depth: depth)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        sink.beginKey(key.stringValue, depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        sink.beginKey(key.stringValue, depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        sink.beginKey("super", depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath)
    }

    func superEncoder(forKey key: Key) -> any Encoder {
        sink.beginKey(key.stringValue, depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath + [key])
    }
}

struct UnkeyedStream: UnkeyedEncodingContainer {
    let sink: JSONByteSink
    let depth: Int
    let codingPath: [any CodingKey]
    var count: Int { sink.stack.count >= depth ? sink.stack[depth - 1].count : 0 }

    mutating func encodeNil() throws { sink.beginElement(depth: depth); sink.append("null") }
    mutating func encode(_ value: Bool) throws { sink.beginElement(depth: depth); value ? sink.append("true") : sink.append("false") }
    mutating func encode(_ value: String) throws { sink.beginElement(depth: depth); sink.writeString(value) }
    mutating func encode(_ value: Double) throws { sink.beginElement(depth: depth); sink.writeDouble(value) }
    mutating func encode(_ value: Float) throws { sink.beginElement(depth: depth); sink.writeFloat(value) }
    mutating func encode(_ value: Int) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { sink.beginElement(depth: depth); sink.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        sink.beginElement(depth: depth)
        try sink.encodeValue(value, depth: depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        sink.beginElement(depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        sink.beginElement(depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        sink.beginElement(depth: depth)
        return StreamEncoder(sink: sink, depth: depth, codingPath: codingPath)
    }
}

struct SingleStream: SingleValueEncodingContainer {
    let sink: JSONByteSink
    /// The level the value is written at.
    let depth: Int
    let codingPath: [any CodingKey]

    func encodeNil() throws { sink.close(deeperThan: depth); sink.append("null") }
    func encode(_ value: Bool) throws { sink.close(deeperThan: depth); value ? sink.append("true") : sink.append("false") }
    func encode(_ value: String) throws { sink.close(deeperThan: depth); sink.writeString(value) }
    func encode(_ value: Double) throws { sink.close(deeperThan: depth); sink.writeDouble(value) }
    func encode(_ value: Float) throws { sink.close(deeperThan: depth); sink.writeFloat(value) }
    func encode(_ value: Int) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: Int8) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: Int16) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: Int32) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: Int64) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: UInt) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: UInt8) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: UInt16) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: UInt32) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode(_ value: UInt64) throws { sink.close(deeperThan: depth); sink.writeInteger(value) }
    func encode<T: Encodable>(_ value: T) throws {
        sink.close(deeperThan: depth)
        try sink.encodeValue(value, depth: depth)
    }
}
