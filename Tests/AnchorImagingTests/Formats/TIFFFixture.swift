import CZlib
import Foundation

/// Builds TIFF files by hand for tests: any byte order, strips or tiles, chunky or planar,
/// any of the compressions and predictors the reader claims to support. Independent of
/// `TIFFWriter` so the reader is not only tested against our own writer.
struct TIFFFixture {
    enum Kind { case u8, i8, u16, i16, u32, i32, f32, f64 }
    var width: Int
    var height: Int
    var spp = 1
    var kind: Kind = .u16
    var bigEndian = false
    var compression = 1          // 1, 5 (LZW), 8 / 32946 (Deflate), 32773 (PackBits)
    /// The Compression tag written, when it should differ from how the data are stored.
    var compressionTag: Int? = nil
    var predictor = 1
    var tile: (Int, Int)? = nil
    var rowsPerStrip: Int? = nil
    var planar = 1
    var photometric: Int? = nil
    var description: String? = nil
    var colorMap: [Int]? = nil
    var resolution: (Double, Double, Int)? = nil   // x, y, unit
    /// Values per plane, row-major; `values[s][y * width + x]`.
    var values: [[Double]]

    var bytesPerSample: Int {
        switch kind { case .u8, .i8: return 1; case .u16, .i16: return 2; case .u32, .i32, .f32: return 4; case .f64: return 8 }
    }

    func encodeSample(_ v: Double) -> [UInt8] {
        var le: [UInt8]
        switch kind {
        case .u8: le = [UInt8(v)]
        case .i8: le = [UInt8(bitPattern: Int8(v))]
        case .u16: le = withUnsafeBytes(of: UInt16(v).littleEndian, Array.init)
        case .i16: le = withUnsafeBytes(of: Int16(v).littleEndian, Array.init)
        case .u32: le = withUnsafeBytes(of: UInt32(v).littleEndian, Array.init)
        case .i32: le = withUnsafeBytes(of: Int32(v).littleEndian, Array.init)
        case .f32: le = withUnsafeBytes(of: Float(v).bitPattern.littleEndian, Array.init)
        case .f64: le = withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
        }
        return bigEndian ? le.reversed() : le
    }

    /// Raw (uncompressed, unpredicted) bytes of one chunk.
    func chunkBytes(plane: Int?, x0: Int, y0: Int, w: Int, h: Int) -> [UInt8] {
        var out: [UInt8] = []
        for y in y0..<(y0 + h) {
            var row: [UInt8] = []
            for x in x0..<(x0 + w) {
                let planes = plane.map { [$0] } ?? Array(0..<spp)
                for s in planes {
                    let v = (x < width && y < height) ? values[s][y * width + x] : 0
                    row += encodeSample(v)
                }
            }
            out += applyPredictor(row, samplesPerPixel: plane == nil ? spp : 1)
        }
        return out
    }

    func applyPredictor(_ row: [UInt8], samplesPerPixel step: Int) -> [UInt8] {
        let bps = bytesPerSample
        if predictor == 2 {
            let n = row.count / bps
            func get(_ i: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in 0..<bps { v |= UInt64(row[i * bps + (bigEndian ? bps - 1 - k : k)]) << (8 * UInt64(k)) }
                return v
            }
            var out = row
            let mask: UInt64 = bps == 8 ? .max : (1 << UInt64(8 * bps)) - 1
            for i in stride(from: n - 1, through: step, by: -1) {
                let d = (get(i) &- get(i - step)) & mask
                for k in 0..<bps { out[i * bps + (bigEndian ? bps - 1 - k : k)] = UInt8(d >> (8 * UInt64(k)) & 0xFF) }
            }
            return out
        }
        if predictor == 3 {
            let n = row.count / bps
            var planes = [UInt8](repeating: 0, count: row.count)
            for j in 0..<n {
                // sample bytes most significant first
                let sb = bigEndian ? Array(row[j * bps..<(j + 1) * bps]) : Array(row[j * bps..<(j + 1) * bps].reversed())
                for k in 0..<bps { planes[k * n + j] = sb[k] }
            }
            var out = planes
            for i in stride(from: planes.count - 1, through: step, by: -1) { out[i] = planes[i] &- planes[i - step] }
            return out
        }
        return row
    }

    func compress(_ b: [UInt8]) -> [UInt8] {
        switch compression {
        case 5: return TIFFFixture.lzwEncode(b)
        case 8, 32946: return TIFFFixture.zlibCompress(b)
        case 32773: return TIFFFixture.packBits(b)
        default: return b
        }
    }

    func build() -> [UInt8] { build(appendingTo: nil).bytes }

    /// A multi-page file: the pages' IFDs chained in order (all pages must share byte order).
    /// `loop` points the last IFD back at the first (a cycle).
    static func multiPage(_ pages: [TIFFFixture], loop: Bool = false) -> [UInt8] {
        var out: [UInt8]? = nil
        var ifds: [Int] = [], links: [Int] = []
        for p in pages {
            let r = p.build(appendingTo: out)
            out = r.bytes; ifds.append(r.ifd); links.append(r.nextLink)
        }
        var bytes = out!
        let big = pages[0].bigEndian
        func put(_ v: Int, at p: Int) {
            let le = (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) }
            let b = big ? Array(le.reversed()) : le
            for k in 0..<4 { bytes[p + k] = b[k] }
        }
        for i in 0..<(pages.count - 1) { put(ifds[i + 1], at: links[i]) }
        if loop { put(ifds[0], at: links[pages.count - 1]) }
        return bytes
    }

    func build(appendingTo base: [UInt8]?) -> (bytes: [UInt8], ifd: Int, nextLink: Int) {
        var chunks: [[UInt8]] = []
        let planesList: [Int?] = planar == 2 ? (0..<spp).map { $0 } : [nil]
        var tw = width, th = rowsPerStrip ?? height
        if let t = tile { tw = t.0; th = t.1 }
        for p in planesList {
            var y0 = 0
            while y0 < height {
                var x0 = 0
                while x0 < width {
                    let h = tile == nil ? min(th, height - y0) : th
                    let w = tile == nil ? width : tw
                    chunks.append(compress(chunkBytes(plane: p, x0: x0, y0: y0, w: w, h: h)))
                    x0 += tw
                }
                y0 += th
            }
        }
        // Layout: header, chunk data, IFD, overflow values.
        var out: [UInt8] = base ?? ((bigEndian ? [0x4D, 0x4D, 0, 42] : [0x49, 0x49, 42, 0]) + [0, 0, 0, 0])
        var offsets: [Int] = [], counts: [Int] = []
        for c in chunks { offsets.append(out.count); counts.append(c.count); out += c; if out.count & 1 == 1 { out.append(0) } }
        var entries: [(Int, Int, Int, [UInt8])] = []
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { let le = (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) }; return bigEndian ? le.reversed() : le }
        func short(_ t: Int, _ v: [Int]) { entries.append((t, 3, v.count, v.flatMap(u16))) }
        func long(_ t: Int, _ v: [Int]) { entries.append((t, 4, v.count, v.flatMap(u32))) }
        func rational(_ t: Int, _ v: Double) { entries.append((t, 5, 1, u32(Int(v * 1000)) + u32(1000))) }
        short(256, [width]); long(257, [height])
        short(258, Array(repeating: bytesPerSample * 8, count: spp))
        short(259, [compressionTag ?? compression])
        short(262, [photometric ?? (spp >= 3 ? 2 : 1)])
        if let description { let d = Array(description.utf8) + [0]; entries.append((270, 2, d.count, d)) }
        short(277, [spp])
        if let colorMap { short(320, colorMap) }
        if let t = tile {
            short(322, [t.0]); short(323, [t.1]); long(324, offsets); long(325, counts)
        } else {
            long(273, offsets); long(278, [th]); long(279, counts)
        }
        if let r = resolution { rational(282, r.0); rational(283, r.1); short(296, [r.2]) }
        short(284, [planar])
        if predictor != 1 { short(317, [predictor]) }
        let fmt: Int
        switch kind { case .u8, .u16, .u32: fmt = 1; case .i8, .i16, .i32: fmt = 2; case .f32, .f64: fmt = 3 }
        short(339, Array(repeating: fmt, count: spp))
        entries.sort { $0.0 < $1.0 }
        let ifd = out.count
        let ifdSize = 2 + 12 * entries.count + 4
        var overflow = ifd + ifdSize
        var tail: [UInt8] = []
        out += u16(entries.count)
        for e in entries {
            out += u16(e.0) + u16(e.1) + u32(e.2)
            if e.3.count <= 4 { out += e.3 + [UInt8](repeating: 0, count: 4 - e.3.count) } else {
                out += u32(overflow); tail += e.3; if e.3.count & 1 == 1 { tail.append(0) }
                overflow += e.3.count + (e.3.count & 1)
            }
        }
        let nextLink = out.count
        out += u32(0)
        out += tail
        if base == nil {
            let first = u32(ifd)
            for k in 0..<4 { out[4 + k] = first[k] }
        }
        return (out, ifd, nextLink)
    }

    // MARK: encoders used only by the fixtures

    static func lzwEncode(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt64 = 0, nbits = 0
        var width = 9
        func emit(_ code: Int) {
            acc = acc << UInt64(width) | UInt64(code); nbits += width
            while nbits >= 8 { out.append(UInt8(acc >> UInt64(nbits - 8) & 0xFF)); nbits -= 8 }
        }
        var table: [Int: Int] = [:]
        var next = 258
        emit(256)
        var w = -1
        for b in input {
            let c = Int(b)
            if w < 0 { w = c; continue }
            if let code = table[w << 8 | c] { w = code; continue }
            emit(w)
            table[w << 8 | c] = next; next += 1
            if next == (1 << width) && width < 12 { width += 1 }
            if next >= 4093 { emit(256); table = [:]; next = 258; width = 9 }
            w = c
        }
        if w >= 0 { emit(w) }
        // The decoder adds one more entry before reading EOI, which may widen the code.
        if w >= 0 { next += 1; if next == (1 << width) && width < 12 { width += 1 } }
        emit(257)
        if nbits > 0 { out.append(UInt8(acc << UInt64(8 - nbits) & 0xFF)) }
        return out
    }

    static func packBits(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < input.count {
            var run = 1
            while i + run < input.count && input[i + run] == input[i] && run < 128 { run += 1 }
            if run >= 2 {
                out += [UInt8(bitPattern: Int8(1 - run)), input[i]]; i += run
            } else {
                var j = i
                while j < input.count && j - i < 128 && !(j + 1 < input.count && input[j + 1] == input[j]) { j += 1 }
                if j == i { j = i + 1 }
                out.append(UInt8(j - i - 1)); out += input[i..<j]; i = j
            }
        }
        return out
    }

    static func zlibCompress(_ input: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        _ = CZlib.compress(&out, &size, input, uLong(input.count))
        return Array(out.prefix(Int(size)))
    }
}
