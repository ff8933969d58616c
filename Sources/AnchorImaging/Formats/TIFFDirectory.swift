import Foundation

/// One image file directory (IFD) of a TIFF: its entries, with values read on demand and every
/// offset checked against the file size.
struct TIFFDirectory {
    struct Entry {
        var type: Int
        var count: Int
        /// Byte offset of the value (inline in the entry, or where the entry points).
        var valueOffset: Int
    }

    let entries: [Int: Entry]
    let bytes: TIFFBytes

    /// Byte size of each TIFF field type (1 BYTE … 12 DOUBLE, 13 IFD, 16–18 BigTIFF 64-bit).
    static func typeSize(_ type: Int) -> Int? {
        switch type {
        case 1, 2, 6, 7: return 1
        case 3, 8: return 2
        case 4, 9, 11, 13: return 4
        case 5, 10, 12, 16, 17, 18: return 8
        default: return nil
        }
    }

    /// Parses the IFD at `offset`; returns it and the offset of the next IFD (0 at the end).
    init(bytes: TIFFBytes, offset: Int) throws {
        self.bytes = bytes
        let count = try bytes.u16(at: offset, what: "the directory entry count")
        let end = offset + 2 + count * 12
        guard end + 4 <= bytes.count else {
            throw FormatError.truncated(
                format: .tiff, "image directory at offset \(offset) has \(count) entries but the file ends at \(bytes.count)")
        }
        var entries: [Int: Entry] = [:]
        for i in 0..<count {
            let p = offset + 2 + i * 12
            let tag = try bytes.u16(at: p, what: "a tag")
            let type = try bytes.u16(at: p + 2, what: "a tag type")
            let n = try bytes.u32(at: p + 4, what: "a tag count")
            guard let size = TIFFDirectory.typeSize(type) else { continue }  // unknown types are skipped, as the spec asks
            let (total, overflow) = n.multipliedReportingOverflow(by: size)
            guard !overflow else { throw FormatError.corrupt(format: .tiff, "tag \(tag) has an absurd count \(n)") }
            let valueOffset = total <= 4 ? p + 8 : try bytes.u32(at: p + 8, what: "a tag value offset")
            entries[tag] = Entry(type: type, count: n, valueOffset: valueOffset)
        }
        self.entries = entries
    }

    /// Where this IFD's successor starts (0: none).
    static func nextOffset(bytes: TIFFBytes, offset: Int) throws -> Int {
        let count = try bytes.u16(at: offset, what: "the directory entry count")
        return try bytes.u32(at: offset + 2 + count * 12, what: "the next-directory offset")
    }

    func has(_ tag: Int) -> Bool { entries[tag] != nil }

    /// All values of an integer tag (BYTE, SHORT, LONG, LONG8 and signed variants).
    func integers(_ tag: Int, name: String) throws -> [Int]? {
        guard let e = entries[tag] else { return nil }
        try checkSpan(e, name: name)
        var out = [Int]()
        out.reserveCapacity(e.count)
        for i in 0..<e.count {
            switch e.type {
            case 1, 7: out.append(Int(bytes.data[e.valueOffset + i]))
            case 6: out.append(Int(Int8(bitPattern: bytes.data[e.valueOffset + i])))
            case 3: out.append(try bytes.u16(at: e.valueOffset + 2 * i, what: name))
            case 8: out.append(Int(Int16(truncatingIfNeeded: try bytes.u16(at: e.valueOffset + 2 * i, what: name))))
            case 4, 13: out.append(try bytes.u32(at: e.valueOffset + 4 * i, what: name))
            case 9: out.append(Int(Int32(truncatingIfNeeded: try bytes.u32(at: e.valueOffset + 4 * i, what: name))))
            case 16, 18:
                let v = try bytes.u64(at: e.valueOffset + 8 * i, what: name)
                guard v <= UInt64(Int.max) else { throw FormatError.corrupt(format: .tiff, "\(name) value \(v) is absurd") }
                out.append(Int(v))
            default:
                throw FormatError.corrupt(format: .tiff, "\(name) (tag \(tag)) has non-integer type \(e.type)")
            }
        }
        return out
    }

    /// The single value of an integer tag, or `defaultValue` when absent.
    func integer(_ tag: Int, name: String, default defaultValue: Int? = nil) throws -> Int? {
        guard let v = try integers(tag, name: name) else { return defaultValue }
        guard let first = v.first else { throw FormatError.corrupt(format: .tiff, "\(name) (tag \(tag)) has no value") }
        return first
    }

    /// The first value of a RATIONAL (or other numeric) tag as a Double.
    func real(_ tag: Int, name: String) throws -> Double? {
        guard let e = entries[tag], e.count >= 1 else { return nil }
        try checkSpan(e, name: name)
        switch e.type {
        case 5, 10:
            let num = try bytes.u32(at: e.valueOffset, what: name)
            let den = try bytes.u32(at: e.valueOffset + 4, what: name)
            if e.type == 10 {
                let n = Int32(truncatingIfNeeded: num), d = Int32(truncatingIfNeeded: den)
                return d == 0 ? nil : Double(n) / Double(d)
            }
            return den == 0 ? nil : Double(num) / Double(den)
        case 11: return Double(Float(bitPattern: UInt32(try bytes.u32(at: e.valueOffset, what: name))))
        case 12: return Double(bitPattern: try bytes.u64(at: e.valueOffset, what: name))
        default: return try integer(tag, name: name).map(Double.init)
        }
    }

    /// An ASCII tag's text (up to its first NUL), decoded as UTF-8 (ImageJ writes UTF-8 in
    /// practice) with Latin-1 as fallback.
    func text(_ tag: Int) throws -> String? {
        guard let e = entries[tag], e.type == 2 || e.type == 1 || e.type == 7 else { return nil }
        try checkSpan(e, name: "tag \(tag)")
        let slice = bytes.data[e.valueOffset..<(e.valueOffset + e.count)]
        let body = slice.prefix { $0 != 0 }
        return String(bytes: body, encoding: .utf8) ?? String(bytes: body, encoding: .isoLatin1)
    }

    private func checkSpan(_ e: Entry, name: String) throws {
        let size = TIFFDirectory.typeSize(e.type) ?? 1
        let (len, o1) = e.count.multipliedReportingOverflow(by: size)
        let (end, o2) = e.valueOffset.addingReportingOverflow(len)
        guard !o1, !o2, e.valueOffset >= 0, end <= bytes.count else {
            throw FormatError.truncated(
                format: .tiff, "\(name) values at offset \(e.valueOffset) (\(len) bytes) run past the end of the file (\(bytes.count) bytes)")
        }
    }
}

/// Bounds-checked reads of the file's bytes in its byte order.
struct TIFFBytes {
    /// The whole file, indexed from 0.
    let data: Data
    let bigEndian: Bool
    var count: Int { data.count }

    func u16(at p: Int, what: String) throws -> Int {
        guard p >= 0, p <= data.count - 2 else { throw outside(p, 2, what) }
        let v = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt16.self) }
        return Int(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
    }

    func u32(at p: Int, what: String) throws -> Int {
        guard p >= 0, p <= data.count - 4 else { throw outside(p, 4, what) }
        let v = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt32.self) }
        return Int(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
    }

    func u64(at p: Int, what: String) throws -> UInt64 {
        guard p >= 0, p <= data.count - 8 else { throw outside(p, 8, what) }
        let v = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt64.self) }
        return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
    }

    private func outside(_ p: Int, _ n: Int, _ what: String) -> FormatError {
        .truncated(format: .tiff, "\(what) at offset \(p) (\(n) bytes) lies past the end of the file (\(data.count) bytes)")
    }
}
