import AnchorGeometry

/// A value that writes its own JSON into `StreamingJSONEncoder`'s buffer instead of going
/// through `Encodable`'s containers.
///
/// Why: a frame's `result.json` holds ~800 sites and ~60 anchors, each a struct of a dozen
/// keys. Through `Codable` every key costs a generic call chain, a boxed container, a
/// dynamic cast and two exclusivity checks; on a 512² frame that was ~7 ms of CPU, a third
/// of the analysis (perf, 2026-12-04). A conforming type writes the same bytes, in the same
/// key order as its `encode(to:)`, with direct calls. The encoder asks for this protocol with
/// the one dynamic cast it already made for sorted dictionaries, so the first use of each
/// type costs no additional conformance scan.
///
/// A conforming type must also keep its `Encodable` conformance writing the same JSON: other
/// encoders (Foundation's, in tests) still use that.
package protocol JSONStreamWritable {
    /// Writes the value at `writer`'s level.
    func writeJSON(to writer: JSONValueWriter) throws
}

/// Where a `JSONStreamWritable` value goes: one value at a given level of the document.
package struct JSONValueWriter {
    let sink: JSONByteSink
    /// The level the value is written at (0 = top).
    let depth: Int

    /// Writes a JSON object whose members `body` writes.
    package func object(_ body: (JSONObjectWriter) throws -> Void) rethrows {
        sink.open(.object, depth: depth)
        try body(JSONObjectWriter(sink: sink, depth: depth + 1))
        sink.close(deeperThan: depth)
    }

    /// Writes a JSON array of `elements`, each through its own `writeJSON`.
    package func array<S: Sequence>(_ elements: S) throws where S.Element: JSONStreamWritable {
        sink.open(.array, depth: depth)
        for element in elements {
            sink.beginElement(depth: depth + 1)
            try element.writeJSON(to: JSONValueWriter(sink: sink, depth: depth + 1))
        }
        sink.close(deeperThan: depth)
    }

    /// Writes `[a, b]` (two numbers), as `Point2` and `CellIndex` encode.
    func pair(_ a: Double, _ b: Double) {
        sink.open(.array, depth: depth)
        sink.beginElement(depth: depth + 1); sink.writeDouble(a)
        sink.beginElement(depth: depth + 1); sink.writeDouble(b)
        sink.close(deeperThan: depth)
    }

    func pair(_ a: Int, _ b: Int) {
        sink.open(.array, depth: depth)
        sink.beginElement(depth: depth + 1); sink.writeInteger(a)
        sink.beginElement(depth: depth + 1); sink.writeInteger(b)
        sink.close(deeperThan: depth)
    }
}

/// The members of an object being written by a `JSONStreamWritable` value. Keys are
/// `StaticString`s written as they are: they must not need JSON escaping (the tool's keys are
/// snake_case ASCII).
package struct JSONObjectWriter {
    let sink: JSONByteSink
    /// The level of the members.
    let depth: Int

    @inline(__always) func key(_ key: StaticString) { sink.beginKey(key, depth: depth) }

    package func field(_ key: StaticString, _ value: Double) { self.key(key); sink.writeDouble(value) }
    package func field(_ key: StaticString, _ value: Int) { self.key(key); sink.writeInteger(value) }
    package func field(_ key: StaticString, _ value: Bool) {
        self.key(key); value ? sink.append("true") : sink.append("false")
    }
    package func field(_ key: StaticString, _ value: String) { self.key(key); sink.writeString(value) }
    /// A nil value is written `null` (as `NullWhenAbsent` encodes it).
    package func field(_ key: StaticString, _ value: String?) {
        self.key(key)
        if let value { sink.writeString(value) } else { sink.append("null") }
    }
    package func field(_ key: StaticString, _ value: Int?) {
        self.key(key)
        if let value { sink.writeInteger(value) } else { sink.append("null") }
    }
    package func field(_ key: StaticString, _ value: Point2) {
        self.key(key); JSONValueWriter(sink: sink, depth: depth).pair(value.x, value.y)
    }
    package func field(_ key: StaticString, _ value: CellIndex) {
        self.key(key); JSONValueWriter(sink: sink, depth: depth).pair(value.i, value.j)
    }
    /// Any other value, through the encoder's general path.
    package func field<T: Encodable>(_ key: StaticString, _ value: T) throws {
        self.key(key); try sink.encodeValue(value, depth: depth)
    }
}

extension Point2: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) { writer.pair(x, y) }
}

extension CellIndex: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) { writer.pair(i, j) }
}

/// Arrays of self-writing values are written in one loop without a cast per element.
extension Array: JSONStreamWritable where Element: JSONStreamWritable {
    package func writeJSON(to writer: JSONValueWriter) throws { try writer.array(self) }
}

/// Dictionaries with `String` keys are written with their keys sorted, so that the bytes do
/// not depend on the process's hash seed.
extension Dictionary: JSONStreamWritable where Key == String, Value: Encodable {
    package func writeJSON(to writer: JSONValueWriter) throws {
        let sink = writer.sink, depth = writer.depth
        sink.open(.object, depth: depth)
        for key in keys.sorted() {
            sink.beginKey(key, depth: depth + 1)
            try sink.encodeValue(self[key]!, depth: depth + 1)
        }
        sink.close(deeperThan: depth)
    }
}
