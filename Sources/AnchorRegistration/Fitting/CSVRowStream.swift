import Foundation

/// Reads a CSV table of numbers from bytes fed in chunks, one row at a time, without
/// building a `String` per line or per field: the `fit` command reads 600 000-row files in a
/// fraction of the time the fits take.
///
/// The rules are those of `PointCSV`: the first non-blank, non-`#` line is the header (names
/// lower-cased, a UTF-8 byte-order mark dropped, unknown names ignored); lines end at `\n`,
/// `\r\n` or `\r`; fields are separated by commas, trimmed of spaces and tabs, and may be
/// wrapped in double quotes (a doubled quote inside stands for one). Errors name the line
/// (1-based, counting the header) and column.
struct CSVRowStream {
    /// One data row, valid during the callback: fields are byte ranges of `bytes`, each
    /// followed by a byte that number parsing may overwrite (a NUL ends the buffer).
    struct Row {
        let line: Int
        fileprivate(set) var bytes: [UInt8]
        let fields: [Range<Int>]
        /// Header name → column index (the required and optional columns found).
        let column: [String: Int]

        /// The field as a number; `PointCSVError` when it is not a finite one.
        mutating func number(_ c: Int, _ name: String) throws -> Double {
            let r = fields[c]
            let end = r.upperBound
            let saved = bytes[end]
            bytes[end] = 0
            defer { bytes[end] = saved }
            var value = 0.0
            let ok: Bool = bytes.withUnsafeMutableBufferPointer { p in
                let base = UnsafeMutableRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)
                guard r.count > 0, !Self.isSpace(p[r.lowerBound]) else { return false }
                var stop: UnsafeMutablePointer<CChar>? = nil
                value = strtod(base + r.lowerBound, &stop)
                return stop == base + end
            }
            guard ok else { throw PointCSVError.notANumber(line: line, column: name, text: text(c)) }
            guard value.isFinite else { throw PointCSVError.notFinite(line: line, column: name, text: text(c)) }
            return value
        }

        /// strtod skips leading white space; a field with any is not a number here (fields
        /// are trimmed of spaces and tabs, so only other white space can be left).
        private static func isSpace(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0B || b == 0x0C || b == 0x0D || b == 0x20 || b == 0x09 }

        /// The field's text.
        func text(_ c: Int) -> String { String(decoding: bytes[fields[c]], as: UTF8.self) }

        /// Whether field `c` holds exactly `other`'s bytes.
        func fieldEquals(_ c: Int, _ other: ArraySlice<UInt8>) -> Bool { bytes[fields[c]] == other }

        /// Whether field `c` equals `lowercase` ignoring ASCII case.
        func fieldEqualsIgnoringCase(_ c: Int, _ lowercase: StaticString) -> Bool {
            let r = fields[c]
            guard r.count == lowercase.utf8CodeUnitCount else { return false }
            return lowercase.withUTF8Buffer { w in
                for k in 0..<r.count {
                    var b = bytes[r.lowerBound + k]
                    if b >= 0x41 && b <= 0x5A { b += 0x20 }
                    if b != w[k] { return false }
                }
                return true
            }
        }
    }

    let required: [String]
    let optional: [String]
    /// Header name → column index (the required and optional columns found).
    private(set) var column: [String: Int] = [:]
    private(set) var sawHeader = false
    private(set) var rows = 0
    private var width = 0
    private var lineNumber = 0
    /// The unfinished line carried over from the previous chunk.
    private var carry: [UInt8] = []
    /// The previous chunk ended with `\r`: a `\n` starting this one belongs to it.
    private var pendingCR = false
    private var lineBuffer: [UInt8] = []
    private var ranges: [Range<Int>] = []

    init(required: [String], optional: [String]) {
        self.required = required
        self.optional = optional
    }

    /// Feeds the next chunk of the file; `row` is called for each complete data row.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, row: (inout Row) throws -> Void) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        if pendingCR, let first = bytes.first, first == 0x0A { start = 1 }
        if !bytes.isEmpty { pendingCR = false }
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                let segment = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if carry.isEmpty {
                    try line(segment, row: row)
                } else {
                    carry.append(contentsOf: segment)
                    let whole = carry
                    carry.removeAll(keepingCapacity: true)
                    try whole.withUnsafeBufferPointer { try line($0, row: row) }
                }
                if b == 0x0D {
                    if i + 1 < bytes.count {
                        if bytes[i + 1] == 0x0A { i += 1 }
                    } else {
                        pendingCR = true
                    }
                }
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count { carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])) }
    }

    /// Ends the input: the last line without a line break, then the checks that need the
    /// whole file.
    mutating func finish(row: (inout Row) throws -> Void) throws {
        if !carry.isEmpty {
            let whole = carry
            carry = []
            try whole.withUnsafeBufferPointer { try line($0, row: row) }
        }
        guard sawHeader else { throw PointCSVError.empty }
        guard rows > 0 else { throw PointCSVError.noRows }
    }

    private mutating func line(_ text: UnsafeBufferPointer<UInt8>, row: (inout Row) throws -> Void) throws {
        lineNumber += 1
        var first = 0
        while first < text.count, text[first] == 0x20 || text[first] == 0x09 { first += 1 }
        if first == text.count || text[first] == UInt8(ascii: "#") { return }
        split(text)
        if !sawHeader {
            try header()
            return
        }
        guard ranges.count == width else {
            throw PointCSVError.wrongFieldCount(line: lineNumber, expected: width, found: ranges.count)
        }
        rows += 1
        var r = Row(line: lineNumber, bytes: lineBuffer, fields: ranges, column: column)
        // Hand the buffer over and take it back, so it is not copied per row.
        lineBuffer = []
        defer { lineBuffer = r.bytes }
        try row(&r)
    }

    /// Fills `lineBuffer` and `ranges` with the line's fields, each followed by a byte
    /// (the comma, a space, or a NUL).
    private mutating func split(_ text: UnsafeBufferPointer<UInt8>) {
        lineBuffer.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        if text.contains(UInt8(ascii: "\"")) {
            // Quoted fields: rare in point files; the character-level splitter, then the
            // fields laid out NUL-separated.
            for f in PointCSV.splitFields(Substring(String(decoding: text, as: UTF8.self))) {
                let lo = lineBuffer.count
                lineBuffer.append(contentsOf: f.utf8)
                ranges.append(lo..<lineBuffer.count)
                lineBuffer.append(0)
            }
            return
        }
        lineBuffer.append(contentsOf: text)
        lineBuffer.append(0)
        var lo = 0
        let n = text.count
        for k in 0...n where k == n || lineBuffer[k] == UInt8(ascii: ",") {
            var a = lo, b = k
            while a < b, lineBuffer[a] == 0x20 || lineBuffer[a] == 0x09 { a += 1 }
            while b > a, lineBuffer[b - 1] == 0x20 || lineBuffer[b - 1] == 0x09 { b -= 1 }
            ranges.append(a..<b)
            lo = k + 1
        }
    }

    private mutating func header() throws {
        var names = ranges.map { String(decoding: lineBuffer[$0], as: UTF8.self).lowercased() }
        // A UTF-8 byte-order mark before the first name is not part of it.
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
        sawHeader = true
        width = names.count
        for (i, n) in names.enumerated() where required.contains(n) || optional.contains(n) {
            if column[n] != nil { throw PointCSVError.duplicateColumn(n) }
            column[n] = i
        }
        let missing = required.filter { column[$0] == nil }
        if !missing.isEmpty { throw PointCSVError.missingColumns(missing, header: names) }
    }
}
