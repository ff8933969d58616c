import Foundation

/// The sample type of a headerless binary image (ImageJ's "Import Raw" types).
public enum RawSampleType: String, Sendable, CaseIterable, Codable {
    case u8
    case u16le, u16be, i16le, i16be
    case u32le, u32be, i32le, i32be
    case f32le, f32be, f64le, f64be

    /// Bytes per sample.
    public var byteCount: Int {
        switch self {
        case .u8: return 1
        case .u16le, .u16be, .i16le, .i16be: return 2
        case .u32le, .u32be, .i32le, .i32be, .f32le, .f32be: return 4
        case .f64le, .f64be: return 8
        }
    }

    /// `true` for big-endian (most significant byte first) layouts.
    public var isBigEndian: Bool { rawValue.hasSuffix("be") }
}

/// Where and how the samples of a headerless binary image lie in a file: `rows` × `cols`
/// samples of `sampleType`, row-major, starting `offset` bytes into the file.
///
/// On the command line it is written `ROWS,COLS,TYPE,OFFSET`, e.g. `256,256,f64le,8` for the
/// SPIEPy `.dat` files (two uint32 header words, then little-endian float64).
public struct RawLayout: Sendable, Equatable, Codable {
    public var rows: Int
    public var cols: Int
    public var sampleType: RawSampleType
    public var offset: Int

    public init(rows: Int, cols: Int, sampleType: RawSampleType, offset: Int = 0) {
        self.rows = rows
        self.cols = cols
        self.sampleType = sampleType
        self.offset = offset
    }

    /// Parses `ROWS,COLS,TYPE[,OFFSET]` (OFFSET defaults to 0; TYPE is case-insensitive).
    /// - Throws: `FormatError.unsupported(format: .raw, …)` naming the field that is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 || parts.count == 4 else {
            throw FormatError.unsupported(
                format: .raw, "layout \"\(text)\" must be ROWS,COLS,TYPE,OFFSET (e.g. 256,256,f64le,8)")
        }
        guard let rows = Int(parts[0]), rows > 0 else {
            throw FormatError.unsupported(format: .raw, "ROWS \"\(parts[0])\" is not a positive integer")
        }
        guard let cols = Int(parts[1]), cols > 0 else {
            throw FormatError.unsupported(format: .raw, "COLS \"\(parts[1])\" is not a positive integer")
        }
        guard let type = RawSampleType(rawValue: parts[2].lowercased()) else {
            let known = RawSampleType.allCases.map(\.rawValue).joined(separator: ", ")
            throw FormatError.unsupported(format: .raw, "TYPE \"\(parts[2])\" is not one of \(known)")
        }
        var offset = 0
        if parts.count == 4 {
            guard let o = Int(parts[3]), o >= 0 else {
                throw FormatError.unsupported(format: .raw, "OFFSET \"\(parts[3])\" is not a non-negative integer")
            }
            offset = o
        }
        self.init(rows: rows, cols: cols, sampleType: type, offset: offset)
    }

    /// Number of bytes the samples occupy after `offset` (`nil` on overflow).
    public var dataByteCount: Int? {
        let (n, o1) = rows.multipliedReportingOverflow(by: cols)
        let (b, o2) = n.multipliedReportingOverflow(by: sampleType.byteCount)
        return o1 || o2 ? nil : b
    }
}
