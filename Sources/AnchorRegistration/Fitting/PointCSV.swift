import AnchorGeometry
import Foundation

/// An error in a point CSV file, naming the line (1-based, counting the header) and column.
public enum PointCSVError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingColumns([String], header: [String])
    case duplicateColumn(String)
    case wrongFieldCount(line: Int, expected: Int, found: Int)
    case notANumber(line: Int, column: String, text: String)
    case notFinite(line: Int, column: String, text: String)
    case badSet(line: Int, text: String)
    case emptySampleID(line: Int)
    case noRows
    case sampleSplit(line: Int, sample: String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .empty:
            return "CSV: the file is empty; the first line must be a header"
        case .missingColumns(let names, let header):
            return "CSV line 1: missing column\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) "
                + "(header has \(header.isEmpty ? "no names" : header.joined(separator: ",")))"
        case .duplicateColumn(let name):
            return "CSV line 1: column \(name) appears twice"
        case .wrongFieldCount(let line, let expected, let found):
            return "CSV line \(line): expected \(expected) fields as in the header, found \(found)"
        case .notANumber(let line, let column, let text):
            return "CSV line \(line), column \(column): \"\(text)\" is not a number"
        case .notFinite(let line, let column, let text):
            return "CSV line \(line), column \(column): \"\(text)\" is not a finite number"
        case .badSet(let line, let text):
            return "CSV line \(line), column set: \"\(text)\" must be model or image"
        case .emptySampleID(let line):
            return "CSV line \(line), column sample: the sample id is empty"
        case .sampleSplit(let line, let sample):
            return "line \(line): sample \(sample) continues here after other samples; a batch read in chunks needs each sample's rows together (sort the file by sample)"
        case .noRows:
            return "CSV: the header is followed by no data rows"
        case .unreadable(let reason):
            return "CSV: \(reason)"
        }
    }
}

/// Correspondences of one sample read from a pairs CSV: `model[i]` ↔ `image[i]`.
public struct PairedPointSet: Sendable, Equatable {
    /// The sample id (`nil` when the file has no `sample` column).
    public var sample: String?
    /// Model points, model units.
    public var model: [Point2]
    /// Image points, pixels (x right, y down).
    public var image: [Point2]
    /// CSV line number of each correspondence.
    public var lines: [Int]
}

/// The model and image point sets of one sample read from an unpaired CSV, each in the
/// order of its rows.
public struct UnpairedPointSet: Sendable, Equatable {
    public var sample: String?
    /// Model points, model units, in the order of the `model` rows of this sample.
    public var model: [Point2]
    /// Image points, pixels, in the order of the `image` rows of this sample.
    public var image: [Point2]
}

/// Readers of the `fit` command's CSV files.
///
/// Both formats start with a header line naming the columns (any order; unknown extra
/// columns are ignored). Blank lines and lines starting with `#` are skipped; fields are
/// separated by commas and may be wrapped in double quotes. Samples come out in the order
/// of their first row. Files are read in chunks by a byte-level reader (`CSVRowStream`);
/// the text forms read the same way from the text's bytes.
public enum PointCSV {
    /// Reads correspondences: columns `model_x,model_y,image_x,image_y`, optionally `sample`.
    /// - Throws: `PointCSVError` naming the line and column at fault.
    public static func readPairs(_ text: String) throws -> [PairedPointSet] {
        try readPairs(from: .text(text))
    }

    /// Reads correspondences from the file at `path`, streaming (see `readPairs(_:)`).
    /// - Throws: `PointCSVError` (`.unreadable` when the file cannot be read).
    public static func readPairs(contentsOfFile path: String) throws -> [PairedPointSet] {
        try readPairs(from: .file(path))
    }

    /// Reads unpaired point sets: columns `set,x,y` with set = `model` or `image`, optionally
    /// `sample`.
    /// - Throws: `PointCSVError` naming the line and column at fault.
    public static func readUnpaired(_ text: String) throws -> [UnpairedPointSet] {
        try readUnpaired(from: .text(text))
    }

    /// Reads unpaired point sets from the file at `path`, streaming (see `readUnpaired(_:)`).
    public static func readUnpaired(contentsOfFile path: String) throws -> [UnpairedPointSet] {
        try readUnpaired(from: .file(path))
    }

    enum Source {
        case text(String)
        case file(String)
    }

    /// Sample ids → set index, with the previous row's id as a fast path (rows of one
    /// sample usually come together).
    struct SampleIndex {
        var index: [String: Int] = [:]
        var last: [UInt8] = []
        var lastIndex = -1

        /// The set of the row's sample (`nil` column: the single unnamed set); `create`
        /// makes a new set and returns its index.
        mutating func set(of row: CSVRowStream.Row, column: Int?, create: (String?) -> Int) throws -> Int {
            guard let c = column else {
                if lastIndex < 0 { lastIndex = create(nil) }
                return lastIndex
            }
            if lastIndex >= 0, row.fieldEquals(c, last[...]) { return lastIndex }
            let id = row.text(c)
            guard !id.isEmpty else { throw PointCSVError.emptySampleID(line: row.line) }
            let k: Int
            if let known = index[id] {
                k = known
            } else {
                k = create(id)
                index[id] = k
            }
            last = Array(row.bytes[row.fields[c]])
            lastIndex = k
            return k
        }
    }

    static func readPairs(from source: Source) throws -> [PairedPointSet] {
        var all: [PairedPointSet] = []
        try forEachPairedChunk(source, rowsPerChunk: .max) { all += $0 }
        return all
    }

    static func readUnpaired(from source: Source) throws -> [UnpairedPointSet] {
        var all: [UnpairedPointSet] = []
        try forEachUnpairedChunk(source, rowsPerChunk: .max) { all += $0 }
        return all
    }

    /// Reads correspondences (see `readPairs`) and hands them to `body` in chunks of whole
    /// samples, each chunk once at least `rowsPerChunk` rows are held and the next sample
    /// starts, so that a batch of any size is fitted in bounded memory. Chunks come in file
    /// order. With a finite `rowsPerChunk` every sample's rows must come together.
    /// - Throws: `PointCSVError.sampleSplit` when a sample handed on already has more rows
    ///   further down; the other `PointCSVError`s as `readPairs`.
    public static func forEachPairedChunk(contentsOfFile path: String, rowsPerChunk: Int,
                                          _ body: ([PairedPointSet]) throws -> Void) throws {
        try forEachPairedChunk(.file(path), rowsPerChunk: rowsPerChunk, body)
    }

    /// Unpaired point sets in chunks of whole samples, as `forEachPairedChunk`.
    public static func forEachUnpairedChunk(contentsOfFile path: String, rowsPerChunk: Int,
                                            _ body: ([UnpairedPointSet]) throws -> Void) throws {
        try forEachUnpairedChunk(.file(path), rowsPerChunk: rowsPerChunk, body)
    }

    static func forEachPairedChunk(_ source: Source, rowsPerChunk: Int,
                                   _ body: ([PairedPointSet]) throws -> Void) throws {
        var chunk = SampleChunk<PairedPointSet>(rowsPerChunk: rowsPerChunk)
        var columns: (Int, Int, Int, Int, Int?)?
        try stream(source, required: ["model_x", "model_y", "image_x", "image_y"], optional: ["sample"]) { row in
            let column = row.column
            let (mx, my, ix, iy, sc) = columns ?? {
                let c = (column["model_x"]!, column["model_y"]!, column["image_x"]!, column["image_y"]!, column["sample"])
                columns = c
                return c
            }()
            let m = Point2(try row.number(mx, "model_x"), try row.number(my, "model_y"))
            let i = Point2(try row.number(ix, "image_x"), try row.number(iy, "image_y"))
            let k = try chunk.set(of: row, column: sc, body) { PairedPointSet(sample: $0, model: [], image: [], lines: []) }
            chunk.sets[k].model.append(m)
            chunk.sets[k].image.append(i)
            chunk.sets[k].lines.append(row.line)
        }
        try chunk.flush(body)
    }

    static func forEachUnpairedChunk(_ source: Source, rowsPerChunk: Int,
                                     _ body: ([UnpairedPointSet]) throws -> Void) throws {
        var chunk = SampleChunk<UnpairedPointSet>(rowsPerChunk: rowsPerChunk)
        try stream(source, required: ["set", "x", "y"], optional: ["sample"]) { row in
            let column = row.column
            let (setC, xc, yc, sc) = (column["set"]!, column["x"]!, column["y"]!, column["sample"])
            let isModel = row.fieldEqualsIgnoringCase(setC, "model")
            guard isModel || row.fieldEqualsIgnoringCase(setC, "image") else {
                throw PointCSVError.badSet(line: row.line, text: row.text(setC))
            }
            let p = Point2(try row.number(xc, "x"), try row.number(yc, "y"))
            let k = try chunk.set(of: row, column: sc, body) { UnpairedPointSet(sample: $0, model: [], image: []) }
            if isModel { chunk.sets[k].model.append(p) } else { chunk.sets[k].image.append(p) }
        }
        try chunk.flush(body)
    }

    /// The samples read but not yet handed on, with the rows they hold.
    struct SampleChunk<Set> {
        let rowsPerChunk: Int
        var samples = SampleIndex()
        var sets: [Set] = []
        /// Sets handed on before `sets[0]` (sample index = `handedOn` + position in `sets`).
        var handedOn = 0
        var rows = 0

        init(rowsPerChunk: Int) { self.rowsPerChunk = max(1, rowsPerChunk) }

        /// Position in `sets` of the row's sample; a new sample first hands on the chunk when
        /// it is full.
        mutating func set(of row: CSVRowStream.Row, column: Int?, _ body: ([Set]) throws -> Void,
                          make: (String?) -> Set) throws -> Int {
            rows += 1
            var pending: String?? = nil
            let k = try samples.set(of: row, column: column) { id in
                pending = .some(id)
                return handedOn + sets.count
            }
            if let id = pending {
                if rows - 1 >= rowsPerChunk {
                    try flush(body)
                    rows = 1
                }
                sets.append(make(id))
                return sets.count - 1
            }
            guard k >= handedOn else {
                throw PointCSVError.sampleSplit(line: row.line, sample: column.map { row.text($0) } ?? "")
            }
            return k - handedOn
        }

        mutating func flush(_ body: ([Set]) throws -> Void) throws {
            guard !sets.isEmpty else { return }
            try body(sets)
            handedOn += sets.count
            sets.removeAll(keepingCapacity: false)
        }
    }

    /// Runs `body` on every data row of `source`, with the header's column map.
    static func stream(_ source: Source, required: [String], optional: [String],
                       _ body: (inout CSVRowStream.Row) throws -> Void) throws {
        var reader = CSVRowStream(required: required, optional: optional)
        switch source {
        case .text(let text):
            var text = text
            try text.withUTF8 { u in
                try reader.feed(UnsafeRawBufferPointer(u)) { row in try body(&row) }
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw PointCSVError.unreadable("cannot open \(path)")
            }
            defer { try? handle.close() }
            while true {
                let chunk: Data
                do {
                    chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                } catch {
                    throw PointCSVError.unreadable("cannot read \(path): \(error.localizedDescription)")
                }
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try reader.feed($0) { row in try body(&row) } }
            }
        }
        try reader.finish { row in try body(&row) }
    }

    /// Splits one line at commas; a field wrapped in double quotes keeps its commas, and
    /// a doubled quote inside it stands for one quote. Fields are trimmed of spaces.
    static func splitFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if ch == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { current.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(ch)
                }
            } else if ch == "," {
                fields.append(current.trimmingSpaces())
                current = ""
            } else if ch == "\"" && current.allSatisfy({ $0 == " " || $0 == "\t" }) {
                current = ""
                inQuotes = true
            } else {
                current.append(ch)
            }
        }
        fields.append(current.trimmingSpaces())
        return fields
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
