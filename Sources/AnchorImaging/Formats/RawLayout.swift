import Foundation

/// The sample types raw import understands: width, signedness or float, and byte order.
///
/// The raw values are the spellings the CLI accepts in `--raw ROWS,COLS,TYPE,OFFSET`
/// (`u8`, `u16le`, `f64be`, …).
public enum RawSampleType: String, Sendable, Codable, CaseIterable {
    case u8
    case u16le, u16be
    case i16le, i16be
    case u32le, u32be
    case i32le, i32be
    case f32le, f32be
    case f64le, f64be

    /// Bytes per sample.
    public var byteCount: Int {
        switch self {
        case .u8: return 1
        case .u16le, .u16be, .i16le, .i16be: return 2
        case .u32le, .u32be, .i32le, .i32be, .f32le, .f32be: return 4
        case .f64le, .f64be: return 8
        }
    }

    /// True for the big-endian variants (`u8` has no byte order and reports false).
    public var isBigEndian: Bool { rawValue.hasSuffix("be") }
}

/// The layout of a headerless binary image, as ImageJ's "Import Raw" asks for it:
/// `rows × cols` samples of one type, row-major (first row first, x fastest), starting
/// `offset` bytes into the file. Bytes after the last sample are ignored.
public struct RawLayout: Sendable, Equatable, Codable {
    public var rows: Int
    public var cols: Int
    public var type: RawSampleType
    /// Bytes to skip before the first sample (a header the reader does not interpret).
    public var offset: Int

    public init(rows: Int, cols: Int, type: RawSampleType, offset: Int = 0) {
        self.rows = rows
        self.cols = cols
        self.type = type
        self.offset = offset
    }

    /// Parses the CLI spelling `ROWS,COLS,TYPE,OFFSET` (OFFSET optional, default 0),
    /// e.g. `256,256,f64le,8` for the SPIEPy `.dat` files.
    /// - Throws: `FormatError.unsupported(format: .raw, …)` naming the bad field.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 || parts.count == 4 else {
            throw FormatError.unsupported(
                format: .raw,
                "layout \"\(text)\" must be ROWS,COLS,TYPE[,OFFSET], e.g. 256,256,f64le,8")
        }
        guard let rows = Int(parts[0]), rows > 0 else {
            throw FormatError.unsupported(format: .raw, "ROWS \"\(parts[0])\" is not a positive integer")
        }
        guard let cols = Int(parts[1]), cols > 0 else {
            throw FormatError.unsupported(format: .raw, "COLS \"\(parts[1])\" is not a positive integer")
        }
        guard let type = RawSampleType(rawValue: parts[2].lowercased()) else {
            throw FormatError.unsupported(
                format: .raw,
                "sample type \"\(parts[2])\" is not one of "
                    + RawSampleType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var offset = 0
        if parts.count == 4 {
            guard let o = Int(parts[3]), o >= 0 else {
                throw FormatError.unsupported(format: .raw, "OFFSET \"\(parts[3])\" is not a non-negative integer")
            }
            offset = o
        }
        self.init(rows: rows, cols: cols, type: type, offset: offset)
    }
}
