import Foundation
import AnchorGeometry

/// NumPy `.npy` arrays — read and write (what Python users pass around).
///
/// Layout (NumPy's `format` module, "NEP 1"): magic `\x93NUMPY`, major and minor version,
/// header length (uint16 little-endian for v1, uint32 for v2/v3), an ASCII (v3: UTF-8)
/// Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (H, W), }` padded
/// with spaces and a newline, then the raw array data.
public enum NumPyNPY {
    static let format = ImageFormat.npy
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Element types read (`descr` without its byte-order character).
    enum DType: String {
        case f2, f4, f8, u1, i1, u2, i2, u4, i4
        var byteCount: Int {
            switch self {
            case .u1, .i1: return 1
            case .f2, .u2, .i2: return 2
            case .f4, .u4, .i4: return 4
            case .f8: return 8
            }
        }
    }

    /// Parses a `.npy` file holding a 2-D array (rows × columns), or a 3-D array whose last
    /// dimension is 3 (an RGB image).
    ///
    /// - Returns: a 2-D array gives one channel "data"; an RGB array gives one channel
    ///   "luminance" (0.299 R + 0.587 G + 0.114 B) and, for `u1` data, the `rgb` image.
    ///   Element (r, c) becomes pixel (x = c, y = r) in both C and Fortran order. No
    ///   calibration is stored in `.npy`, so `unit == .none`. Dtypes: `f2 f4 f8 u1 i1 u2 i2
    ///   u4 i4` in either byte order (`<`, `>`, `=` native little-endian, `|`).
    /// - Throws: `.badMagic`, `.unsupported` (version, dtype, dimensionality, size over
    ///   `options.maxPixels`), `.corrupt` (unparseable header), `.truncated` (short data).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes.starts(with: magic) else {
            throw FormatError.badMagic(format: format, "missing \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLen: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw FormatError.truncated(format: format, "header length missing") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw FormatError.unsupported(format: format, "format version \(major).\(bytes[7])")
        }
        guard headerLen <= bytes.count - headerStart else {
            throw FormatError.truncated(format: format, "header of \(headerLen) bytes runs past the end of the file")
        }
        let dataStart = headerStart + headerLen
        let header = String(decoding: bytes[headerStart..<dataStart], as: UTF8.self)
        let descr = try stringValue(of: "descr", in: header)
        let fortran = try boolValue(of: "fortran_order", in: header)
        let shape = try shapeValue(in: header)

        guard let order = descr.first, "<>=|".contains(order) || descr.count == 2 else {
            throw FormatError.unsupported(format: format, "dtype '\(descr)'")
        }
        let code = "<>=|".contains(order) ? String(descr.dropFirst()) : descr
        guard let dtype = DType(rawValue: code) else {
            throw FormatError.unsupported(
                format: format, "dtype '\(descr)' (supported: f2 f4 f8 u1 i1 u2 i2 u4 i4, either byte order)")
        }
        let big = order == ">"

        let rows: Int, cols: Int, planes: Int
        switch shape.count {
        case 2: (rows, cols, planes) = (shape[0], shape[1], 1)
        case 3 where shape[2] == 3: (rows, cols, planes) = (shape[0], shape[1], 3)
        default:
            throw FormatError.unsupported(
                format: format, "shape \(shape) (an image is 2-D, or 3-D with a last dimension of 3 for RGB)")
        }
        guard rows > 0, cols > 0 else {
            throw FormatError.unsupported(format: format, "shape \(shape) has an empty dimension")
        }
        let (n, o1) = rows.multipliedReportingOverflow(by: cols)
        guard !o1, n <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(rows)×\(cols) is more than \(options.maxPixels) pixels; refused to protect memory")
        }
        let total = n * planes
        let values = try decode(data, offset: dataStart, count: total, dtype: dtype, bigEndian: big)

        // Element index of (r, c, k) in storage order.
        func index(_ r: Int, _ c: Int, _ k: Int) -> Int {
            fortran ? (k * cols + c) * rows + r : (r * cols + c) * planes + k
        }
        if planes == 1 {
            var px = values
            if fortran {
                px = [Float](repeating: 0, count: n)
                for r in 0..<rows { for c in 0..<cols { px[r * cols + c] = values[c * rows + r] } }
            }
            let image = try Image(width: cols, height: rows, pixels: px, maxPixels: options.maxPixels)
            return ImageDocument(format: format, channels: [ImageChannel(name: "data", image: image)],
                                 metadata: ["npy.descr": descr, "npy.fortran_order": fortran ? "True" : "False"])
        }
        var lum = [Float](repeating: 0, count: n)
        var rgbBytes: [UInt8] = dtype == .u1 ? [UInt8](repeating: 0, count: 3 * n) : []
        for r in 0..<rows {
            for c in 0..<cols {
                let R = values[index(r, c, 0)], G = values[index(r, c, 1)], B = values[index(r, c, 2)]
                lum[r * cols + c] = 0.299 * R + 0.587 * G + 0.114 * B
                if dtype == .u1 {
                    let o = 3 * (r * cols + c)
                    rgbBytes[o] = UInt8(R); rgbBytes[o + 1] = UInt8(G); rgbBytes[o + 2] = UInt8(B)
                }
            }
        }
        let image = try Image(width: cols, height: rows, pixels: lum, maxPixels: options.maxPixels)
        let rgb = dtype == .u1 ? try RGBImage(width: cols, height: rows, samples: rgbBytes) : nil
        return ImageDocument(format: format, channels: [ImageChannel(name: "luminance", image: image)], rgb: rgb,
                             metadata: ["npy.descr": descr, "npy.fortran_order": fortran ? "True" : "False"])
    }

    private static func decode(_ data: Data, offset: Int, count: Int, dtype: DType, bigEndian: Bool) throws -> [Float] {
        let decoded: [Float]?
        switch dtype {
        case .u1: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: .u8)
        case .i1:
            decoded = SampleDecoding.decode(data, offset: offset, count: count, type: .u8)?
                .map { Float(Int8(bitPattern: UInt8($0))) }
        case .u2: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .u16be : .u16le)
        case .i2: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .i16be : .i16le)
        case .u4: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .u32be : .u32le)
        case .i4: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .i32be : .i32le)
        case .f4: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .f32be : .f32le)
        case .f8: decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .f64be : .f64le)
        case .f2:
            // Decode the 16-bit patterns as unsigned integers, then reinterpret as binary16.
            decoded = SampleDecoding.decode(data, offset: offset, count: count, type: bigEndian ? .u16be : .u16le)?
                .map { SampleDecoding.halfToFloat(UInt16($0)) }
        }
        guard let decoded else {
            throw FormatError.truncated(
                format: format,
                "\(count) elements of \(dtype.rawValue) need \(SampleDecoding.byteCountText(Double(count) * Double(dtype.byteCount))) bytes after the header, "
                    + "file has \(max(0, data.count - offset))")
        }
        return decoded
    }

    // MARK: - Header dict

    /// Position just after `'key':` in the header dict.
    private static func valueStart(of key: String, in header: String) throws -> Substring {
        for q in ["'", "\""] {
            if let r = header.range(of: q + key + q) {
                var rest = header[r.upperBound...].drop(while: { $0 == " " })
                guard rest.first == ":" else { break }
                rest = rest.dropFirst().drop(while: { $0 == " " })
                return rest
            }
        }
        throw FormatError.corrupt(format: format, "header has no '\(key)' entry")
    }

    private static func stringValue(of key: String, in header: String) throws -> String {
        let rest = try valueStart(of: key, in: header)
        guard let q = rest.first, q == "'" || q == "\"" else {
            throw FormatError.corrupt(format: format, "'\(key)' is not a string (structured dtypes are not supported)")
        }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: q) else {
            throw FormatError.corrupt(format: format, "'\(key)' string is not closed")
        }
        return String(body[..<end])
    }

    private static func boolValue(of key: String, in header: String) throws -> Bool {
        let rest = try valueStart(of: key, in: header)
        if rest.hasPrefix("True") { return true }
        if rest.hasPrefix("False") { return false }
        throw FormatError.corrupt(format: format, "'\(key)' is not True or False")
    }

    private static func shapeValue(in header: String) throws -> [Int] {
        let rest = try valueStart(of: "shape", in: header)
        guard rest.first == "(", let close = rest.firstIndex(of: ")") else {
            throw FormatError.corrupt(format: format, "'shape' is not a tuple")
        }
        let inner = rest[rest.index(after: rest.startIndex)..<close]
        var dims: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if t.isEmpty { continue }
            guard let d = Int(t), d >= 0 else {
                throw FormatError.corrupt(format: format, "'shape' entry \"\(t)\" is not a non-negative integer")
            }
            dims.append(d)
        }
        return dims
    }

    // MARK: - Writing

    /// A version 1.0 `.npy` file holding `image` as a C-order `<f4` array of shape
    /// (height, width). The header is padded so the data starts at a multiple of 64 bytes,
    /// as NumPy itself writes it. Calibration is not representable in `.npy` and is dropped.
    public static func write(_ image: Image) -> Data {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(image.height), \(image.width)), }"
        let unpadded = magic.count + 4 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data(magic)
        out.append(contentsOf: [1, 0])
        let len = dict.utf8.count
        out.append(contentsOf: [UInt8(len & 0xFF), UInt8(len >> 8)])
        out.append(contentsOf: Array(dict.utf8))
        out.append(SampleDecoding.float32LE(image.pixels))
        return out
    }
}
