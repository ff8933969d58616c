import AnchorGeometry

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
        case .noRows:
            return "CSV: the header is followed by no data rows"
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
/// of their first row.
public enum PointCSV {
    /// Reads correspondences: columns `model_x,model_y,image_x,image_y`, optionally `sample`.
    /// - Throws: `PointCSVError` naming the line and column at fault.
    public static func readPairs(_ text: String) throws -> [PairedPointSet] {
        let table = try Table(text, required: ["model_x", "model_y", "image_x", "image_y"], optional: ["sample"])
        var sets: [PairedPointSet] = []
        var index: [String: Int] = [:]
        let (mx, my, ix, iy) = (table.column["model_x"]!, table.column["model_y"]!,
                                table.column["image_x"]!, table.column["image_y"]!)
        let sc = table.column["sample"]
        for row in table.rows {
            let m = Point2(try row.number(mx, "model_x"), try row.number(my, "model_y"))
            let i = Point2(try row.number(ix, "image_x"), try row.number(iy, "image_y"))
            let id = try sc.map { try row.sampleID($0) }
            let key = id ?? ""
            if let k = index[key] {
                sets[k].model.append(m)
                sets[k].image.append(i)
                sets[k].lines.append(row.line)
            } else {
                index[key] = sets.count
                sets.append(PairedPointSet(sample: id, model: [m], image: [i], lines: [row.line]))
            }
        }
        return sets
    }

    /// Reads unpaired point sets: columns `set,x,y` with set = `model` or `image`, optionally
    /// `sample`.
    /// - Throws: `PointCSVError` naming the line and column at fault.
    public static func readUnpaired(_ text: String) throws -> [UnpairedPointSet] {
        let table = try Table(text, required: ["set", "x", "y"], optional: ["sample"])
        var sets: [UnpairedPointSet] = []
        var index: [String: Int] = [:]
        let (setC, xc, yc) = (table.column["set"]!, table.column["x"]!, table.column["y"]!)
        let sc = table.column["sample"]
        for row in table.rows {
            let kind = row.fields[setC].lowercased()
            guard kind == "model" || kind == "image" else { throw PointCSVError.badSet(line: row.line, text: row.fields[setC]) }
            let p = Point2(try row.number(xc, "x"), try row.number(yc, "y"))
            let id = try sc.map { try row.sampleID($0) }
            let key = id ?? ""
            let k: Int
            if let existing = index[key] {
                k = existing
            } else {
                k = sets.count
                index[key] = k
                sets.append(UnpairedPointSet(sample: id, model: [], image: []))
            }
            if kind == "model" { sets[k].model.append(p) } else { sets[k].image.append(p) }
        }
        return sets
    }

    /// A parsed CSV: header → column index, and the data rows.
    struct Table {
        struct Row {
            let line: Int
            let fields: [String]

            func number(_ c: Int, _ name: String) throws -> Double {
                let text = fields[c]
                // Double(_:) stops at a NUL byte ("1\u{0}9" would read as 1): refuse it.
                guard !text.utf8.contains(0), let v = Double(text) else { throw PointCSVError.notANumber(line: line, column: name, text: text) }
                guard v.isFinite else { throw PointCSVError.notFinite(line: line, column: name, text: text) }
                return v
            }

            func sampleID(_ c: Int) throws -> String {
                let id = fields[c]
                guard !id.isEmpty else { throw PointCSVError.emptySampleID(line: line) }
                return id
            }
        }

        var column: [String: Int] = [:]
        var rows: [Row] = []

        init(_ text: String, required: [String], optional: [String]) throws {
            var header: [String]?
            var width = 0
            var lineNumber = 0
            // "\r\n" is one Character in Swift, so it is a separator of its own.
            let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            for line in lines {
                lineNumber += 1
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || trimmed.first == "#" { continue }
                let fields = Self.split(line)
                if header == nil {
                    // A UTF-8 byte-order mark before the first name is not part of it.
                    var names = fields.map { $0.lowercased() }
                    if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
                    header = names
                    width = names.count
                    for (i, n) in names.enumerated() where required.contains(n) || optional.contains(n) {
                        if column[n] != nil { throw PointCSVError.duplicateColumn(n) }
                        column[n] = i
                    }
                    let missing = required.filter { column[$0] == nil }
                    if !missing.isEmpty { throw PointCSVError.missingColumns(missing, header: names) }
                    continue
                }
                guard fields.count == width else {
                    throw PointCSVError.wrongFieldCount(line: lineNumber, expected: width, found: fields.count)
                }
                rows.append(Row(line: lineNumber, fields: fields))
            }
            guard header != nil else { throw PointCSVError.empty }
            guard !rows.isEmpty else { throw PointCSVError.noRows }
        }

        /// Splits one line at commas; a field wrapped in double quotes keeps its commas, and
        /// a doubled quote inside it stands for one quote. Fields are trimmed of spaces.
        static func split(_ line: Substring) -> [String] {
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
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
