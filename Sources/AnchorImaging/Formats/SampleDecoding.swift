import Foundation
import AnchorGeometry

/// Bounds-checked conversion of packed binary samples to `Float`, shared by the raw,
/// Nanonis, Gwyddion GSF and NumPy readers.
enum SampleDecoding {
    /// Bytes `offset ..< offset + count·type.byteCount` of `data` (relative to
    /// `data.startIndex`) decoded as `count` samples, converted to `Float` (doubles and
    /// 32-bit integers are rounded to the nearest `Float`).
    /// - Returns: `nil` when the range is negative, overflows or runs past the end of `data`;
    ///   the caller turns that into a format-specific `FormatError.truncated`.
    /// - Complexity: O(count).
    static func decode(_ data: Data, offset: Int, count: Int, type: RawSampleType) -> [Float]? {
        guard offset >= 0, count >= 0 else { return nil }
        let (bytes, o1) = count.multipliedReportingOverflow(by: type.byteCount)
        guard !o1 else { return nil }
        let (end, o2) = offset.addingReportingOverflow(bytes)
        guard !o2, end <= data.count else { return nil }
        if count == 0 { return [] }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Float] in
            let base = UnsafeRawBufferPointer(rebasing: raw[offset..<end])
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                switch type {
                case .u8:
                    for i in 0..<count { out[i] = Float(base[i]) }
                case .u16le, .u16be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                        out[i] = Float(big ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
                    }
                case .i16le, .i16be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                        out[i] = Float(Int16(bitPattern: big ? UInt16(bigEndian: v) : UInt16(littleEndian: v)))
                    }
                case .u32le, .u32be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                        out[i] = Float(big ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
                    }
                case .i32le, .i32be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                        out[i] = Float(Int32(bitPattern: big ? UInt32(bigEndian: v) : UInt32(littleEndian: v)))
                    }
                case .f32le, .f32be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                        out[i] = Float(bitPattern: big ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
                    }
                case .f64le, .f64be:
                    let big = type.isBigEndian
                    for i in 0..<count {
                        let v = base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                        out[i] = Float(Double(bitPattern: big ? UInt64(bigEndian: v) : UInt64(littleEndian: v)))
                    }
                }
                initialized = count
            }
        }
    }

    /// IEEE 754 binary16 → `Float` (exact), written out so it works where `Float16` is
    /// unavailable.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            // Zero or subnormal: mant · 2^-24.
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -v : v
        }
        if exp == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13))
        }
        return Float(bitPattern: sign | (UInt32(exp - 15 + 127) << 23) | (mant << 13))
    }

    /// Little-endian float32 bytes of `values` (the GSF and NPY writers' sample format).
    static func float32LE(_ values: [Float]) -> Data {
        var out = Data(count: values.count * 4)
        out.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        }
        return out
    }

    /// Converts a length in `unit` to nanometres, the lateral unit SPM readers report in.
    static func nanometres(_ value: Double, from unit: LengthUnit) -> Double? {
        guard let f = unit.factor(to: .nanometre) else { return nil }
        return value * f
    }
}

extension SampleDecoding {
    /// A byte count computed in `Double` (so it cannot overflow), printed as an integer.
    static func byteCountText(_ bytes: Double) -> String {
        bytes < 9e18 ? String(Int(bytes)) : String(format: "%.3g", bytes)
    }
}

extension SampleDecoding {
    /// The formats read here hold one image per file (channels, not pages): any page but 0
    /// is an error naming the only page there is.
    static func requireSinglePage(_ options: ImageReadOptions, format: ImageFormat) throws {
        guard options.page == 0 else {
            throw FormatError.noSuchChannel(format: format, requested: "page \(options.page)", available: ["page 0"])
        }
    }
}

extension SampleDecoding {
    /// Adds `pixels` to the running total of samples a reader has decoded and refuses the
    /// file when the total passes `options.maxPixels`: several channels of one file may point
    /// at the same bytes, so a per-channel limit alone would not bound the memory.
    static func spend(_ pixels: Int, from total: inout Int, options: ImageReadOptions, format: ImageFormat) throws {
        let (t, o) = total.addingReportingOverflow(pixels)
        guard !o, t <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "the channels hold more than \(options.maxPixels) samples together; refused to protect memory")
        }
        total = t
    }
}
