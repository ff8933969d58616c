import Foundation

/// Bounds-checked reads of a binary file's bytes, shared by the tag- and record-based
/// readers (Gatan DM, Igor IBW, RHK SM4). Every read past the end throws
/// `FormatError.truncated` naming `what` was being read, so no header value can make a
/// reader trap or read outside the file.
struct ByteCursor {
    /// The whole file, indexed from 0.
    let bytes: [UInt8]
    let format: ImageFormat
    /// Byte order of multi-byte reads that do not say otherwise.
    var bigEndian: Bool
    /// Next byte to read.
    var position: Int = 0

    init(_ bytes: [UInt8], format: ImageFormat, bigEndian: Bool, position: Int = 0) {
        self.bytes = bytes
        self.format = format
        self.bigEndian = bigEndian
        self.position = position
    }

    var count: Int { bytes.count }
    var remaining: Int { max(0, bytes.count - position) }

    /// Throws unless `n` bytes are available at `at` (default: the current position).
    func require(_ n: Int, at: Int? = nil, _ what: @autoclosure () -> String) throws {
        let p = at ?? position
        guard n >= 0, p >= 0, p <= bytes.count, n <= bytes.count - p else {
            throw FormatError.truncated(
                format: format, "\(what()) at offset \(p) (\(n) bytes) lies past the end of the file (\(bytes.count) bytes)")
        }
    }

    /// The unsigned integer of `size` bytes (1, 2, 4 or 8) at `at`, in `bigEndian` order
    /// unless `big` says otherwise.
    func uint(_ size: Int, at p: Int, big: Bool? = nil, _ what: @autoclosure () -> String) throws -> UInt64 {
        try require(size, at: p, what())
        var v: UInt64 = 0
        if big ?? bigEndian {
            for i in 0..<size { v = v << 8 | UInt64(bytes[p + i]) }
        } else {
            for i in stride(from: size - 1, through: 0, by: -1) { v = v << 8 | UInt64(bytes[p + i]) }
        }
        return v
    }

    mutating func u8(_ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(1, at: position, what()); position += 1; return Int(v)
    }
    mutating func u16(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(2, at: position, big: big, what()); position += 2; return Int(v)
    }
    mutating func i16(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(2, at: position, big: big, what()); position += 2; return Int(Int16(truncatingIfNeeded: v))
    }
    mutating func u32(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(4, at: position, big: big, what()); position += 4; return Int(v)
    }
    mutating func i32(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(4, at: position, big: big, what()); position += 4; return Int(Int32(truncatingIfNeeded: v))
    }
    /// An unsigned 64-bit count or offset; values that do not fit in `Int` throw `.corrupt`.
    mutating func u64(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Int {
        let v = try uint(8, at: position, big: big, what()); position += 8
        guard v <= UInt64(Int.max) else {
            throw FormatError.corrupt(format: format, "\(what()) is \(v), larger than any file")
        }
        return Int(v)
    }
    mutating func f32(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Double {
        let v = try uint(4, at: position, big: big, what()); position += 4
        return Double(Float(bitPattern: UInt32(v)))
    }
    mutating func f64(big: Bool? = nil, _ what: @autoclosure () -> String) throws -> Double {
        let v = try uint(8, at: position, big: big, what()); position += 8
        return Double(bitPattern: v)
    }
    /// `n` raw bytes.
    mutating func take(_ n: Int, _ what: @autoclosure () -> String) throws -> ArraySlice<UInt8> {
        try require(n, what())
        defer { position += n }
        return bytes[position..<(position + n)]
    }
    mutating func skip(_ n: Int, _ what: @autoclosure () -> String) throws {
        try require(n, what())
        position += n
    }
}

extension ByteCursor {
    /// A NUL-terminated or fixed-size byte field as text (Latin-1 where it is not UTF-8;
    /// trailing NULs and spaces dropped).
    static func text(_ raw: ArraySlice<UInt8>) -> String {
        let cut = raw.prefix { $0 != 0 }
        let s = String(validating: cut, as: UTF8.self) ?? String(cut.map { Character(Unicode.Scalar($0)) })
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// UTF-16 code units as text (unpaired surrogates become U+FFFD).
    static func utf16Text(_ units: [UInt16]) -> String {
        String(decoding: units, as: UTF16.self).trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
    }
}
