import Foundation

/// The tag tree of a Gatan DigitalMicrograph file (DM3 or DM4).
///
/// Layout (the DM3 format notes of Chris Boothroyd and Bernd Schaffer's DM4 notes, as
/// RosettaSciIO and openNCEM read them): a header of version (4 for DM4, 3 for DM3, big
/// endian int32), the root length (uint32 DM3, uint64 DM4) and the byte order of the
/// *values* (1 = little endian); then the root tag group. A group is `sorted` (u8),
/// `open` (u8) and a tag count (u32/u64 big endian); each tag is a type byte (20 group,
/// 21 data), a big-endian u16 name length and the name, in DM4 a u64 byte count of the
/// rest of the tag, and then the group, or for data `%%%%`, an info count and the info
/// words (u32/u64 big endian) describing the type, then the value bytes.
struct DMTag {
    var name: String
    var value: DMValue
}

indirect enum DMValue {
    case group([DMTag])
    case number(Double)
    /// An array of simple elements: its type code, element count and the byte offset of
    /// its first element (large arrays, such as image data, are not copied).
    case array(elementType: Int, count: Int, offset: Int)
    case text(String)
    /// A struct's fields, as numbers.
    case structure([Double])
    /// A value this reader does not decode (arrays of structs or strings); skipped.
    case skipped
}

enum DMTagParser {
    /// Bytes per element of the simple value types (2 short, 3 long, 4 ushort, 5 ulong,
    /// 6 float, 7 double, 8 bool, 9 char, 10 octet, 11 int64, 12 uint64).
    static func size(of type: Int) -> Int? {
        switch type {
        case 2, 4: return 2
        case 3, 5, 6: return 4
        case 7, 11, 12: return 8
        case 8, 9, 10: return 1
        default: return nil
        }
    }

    /// Parses the whole tree; `format` is `.dm3` or `.dm4`.
    static func parse(_ bytes: [UInt8], format: ImageFormat) throws -> (root: [DMTag], littleEndian: Bool) {
        var c = ByteCursor(bytes, format: format, bigEndian: true)
        let version = try c.u32("version")
        let dm4 = version == 4
        guard version == 3 || version == 4 else {
            throw FormatError.badMagic(format: format, "version \(version), expected 3 or 4")
        }
        _ = dm4 ? try c.u64("root length") : try c.u32("root length")
        let order = try c.u32("byte order")
        guard order == 0 || order == 1 else {
            throw FormatError.corrupt(format: format, "byte order flag is \(order), expected 0 or 1")
        }
        var parser = DMTagParser.State(cursor: c, dm4: dm4, littleEndian: order == 1)
        let root = try parser.group(depth: 0)
        return (root, order == 1)
    }

    struct State {
        var cursor: ByteCursor
        let dm4: Bool
        let littleEndian: Bool
        var format: ImageFormat { cursor.format }

        mutating func count(_ what: String) throws -> Int {
            dm4 ? try cursor.u64(big: true, what) : try cursor.u32(big: true, what)
        }

        mutating func group(depth: Int) throws -> [DMTag] {
            guard depth < 64 else {
                throw FormatError.corrupt(format: format, "tag groups nested more than 64 deep")
            }
            _ = try cursor.u8("group sorted flag")
            _ = try cursor.u8("group open flag")
            let n = try count("tag count")
            // Every tag takes at least 3 bytes: a larger count cannot be real.
            guard n <= cursor.remaining / 3 else {
                throw FormatError.corrupt(format: format, "group claims \(n) tags, more than the \(cursor.remaining) bytes left can hold")
            }
            var tags: [DMTag] = []
            for _ in 0..<n {
                let type = try cursor.u8("tag type")
                let nameLength = try cursor.u16(big: true, "tag name length")
                let name = ByteCursor.text(try cursor.take(nameLength, "tag name"))
                var end: Int? = nil
                if dm4 {
                    let size = try cursor.u64(big: true, "size of tag \(name)")
                    try cursor.require(size, "tag \(name)")
                    end = cursor.position + size
                }
                switch type {
                case 20:
                    tags.append(DMTag(name: name, value: .group(try group(depth: depth + 1))))
                case 21:
                    tags.append(DMTag(name: name, value: try data(name: name, end: end)))
                case 0:
                    // End of file marker in some writers.
                    return tags
                default:
                    throw FormatError.corrupt(format: format, "tag \"\(name)\" has type \(type) (20 or 21 expected)")
                }
                if let end { cursor.position = end }
            }
            return tags
        }

        mutating func data(name: String, end: Int?) throws -> DMValue {
            let marker = try cursor.take(4, "data marker of tag \(name)")
            guard marker.elementsEqual("%%%%".utf8) else {
                throw FormatError.corrupt(format: format, "tag \"\(name)\" lacks its %%%% marker")
            }
            let infoCount = try count("info count of tag \(name)")
            guard infoCount >= 1, infoCount <= 1 + 2 * 4096 + 4 else {
                throw FormatError.corrupt(format: format, "tag \"\(name)\" has \(infoCount) type words")
            }
            var info: [Int] = []
            for _ in 0..<infoCount { info.append(try count("type word of tag \(name)")) }
            let type = info[0]
            if let size = DMTagParser.size(of: type) {
                let v = try scalar(type: type, size: size, what: "value of \(name)")
                return .number(v)
            }
            switch type {
            case 18:
                guard info.count >= 2 else { throw bad(name) }
                let n = info[1]
                let raw = try cursor.take(try byteCount(n, 2, name), "string \(name)")
                return .text(utf16(raw))
            case 15:
                guard info.count >= 3 else { throw bad(name) }
                let fields = info[2]
                guard fields <= 4096, info.count >= 3 + 2 * fields else { throw bad(name) }
                var values: [Double] = []
                for f in 0..<fields {
                    let t = info[3 + 2 * f + 1]
                    guard let size = DMTagParser.size(of: t) else {
                        throw FormatError.unsupported(format: format, "tag \"\(name)\": struct field of type \(t)")
                    }
                    values.append(try scalar(type: t, size: size, what: "field of \(name)"))
                }
                return .structure(values)
            case 20:
                guard info.count >= 3 else { throw bad(name) }
                let element = info[1]
                if let size = DMTagParser.size(of: element) {
                    let n = info[2]
                    let offset = cursor.position
                    try cursor.skip(try byteCount(n, size, name), "array \(name)")
                    return .array(elementType: element, count: n, offset: offset)
                }
                if element == 15, info.count >= 4 {
                    // Array of structs: [20, 15, nameLength, fields, (nameLength, type)…, count].
                    let fields = info[3]
                    guard fields <= 4096, info.count == 5 + 2 * fields else { throw bad(name) }
                    var structSize = 0
                    for f in 0..<fields {
                        guard let s = DMTagParser.size(of: info[4 + 2 * f + 1]) else {
                            throw FormatError.unsupported(format: format, "tag \"\(name)\": array of structs with a field of type \(info[4 + 2 * f + 1])")
                        }
                        structSize += s
                    }
                    try cursor.skip(try byteCount(info[info.count - 1], structSize, name), "array \(name)")
                    return .skipped
                }
                if let end { cursor.position = end; return .skipped }
                throw FormatError.unsupported(format: format, "tag \"\(name)\": array of element type \(element)")
            default:
                if let end { cursor.position = end; return .skipped }
                throw FormatError.unsupported(format: format, "tag \"\(name)\" has value type \(type)")
            }
        }

        func bad(_ name: String) -> FormatError {
            .corrupt(format: format, "tag \"\(name)\" has an incomplete type description")
        }

        func byteCount(_ n: Int, _ size: Int, _ name: String) throws -> Int {
            let (b, o) = n.multipliedReportingOverflow(by: size)
            guard !o else { throw FormatError.corrupt(format: format, "tag \"\(name)\" claims \(n) elements") }
            return b
        }

        mutating func scalar(type: Int, size: Int, what: String) throws -> Double {
            let raw = try cursor.uint(size, at: cursor.position, big: !littleEndian, what)
            cursor.position += size
            return DMTagParser.number(raw, type: type)
        }

        func utf16(_ raw: ArraySlice<UInt8>) -> String {
            var units: [UInt16] = []
            var i = raw.startIndex
            while i + 1 < raw.endIndex {
                let a = UInt16(raw[i]), b = UInt16(raw[i + 1])
                units.append(littleEndian ? a | b << 8 : a << 8 | b)
                i += 2
            }
            return ByteCursor.utf16Text(units)
        }
    }

    /// The value of a simple element whose bits are `raw` (already in host order).
    static func number(_ raw: UInt64, type: Int) -> Double {
        switch type {
        case 2: return Double(Int16(truncatingIfNeeded: raw))
        case 3: return Double(Int32(truncatingIfNeeded: raw))
        case 4, 5, 8, 10, 12: return Double(raw)
        case 6: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
        case 7: return Double(bitPattern: raw)
        case 9: return Double(Int8(truncatingIfNeeded: raw))
        case 11: return Double(Int64(bitPattern: raw))
        default: return .nan
        }
    }
}

extension Array where Element == DMTag {
    /// The first tag called `name`.
    subscript(tag name: String) -> DMValue? { first { $0.name == name }?.value }
}

extension DMValue {
    var children: [DMTag] { if case .group(let g) = self { return g } else { return [] } }
    var number: Double? { if case .number(let v) = self { return v } else { return nil } }
}
