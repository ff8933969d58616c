import AnchorGeometry
import Foundation

/// Decoding of one TIFF page (image file directory) into channels.
struct TIFFPage {
    let ifd: TIFFDirectory
    let maxPixels: Int

    enum SampleKind { case u8, i8, u16, i16, u32, i32, f32, f64 }

    func decode() throws -> ImageDocument {
        let d = ifd
        guard let width = try d.integer(256, name: "ImageWidth"), let height = try d.integer(257, name: "ImageLength") else {
            throw FormatError.corrupt(format: .tiff, "ImageWidth or ImageLength is missing")
        }
        guard width > 0, height > 0 else {
            throw FormatError.corrupt(format: .tiff, "image size \(width)×\(height) is not positive")
        }
        do { try Image.validate(width: width, height: height, maxPixels: maxPixels) } catch {
            throw FormatError.unsupported(format: .tiff, "image of \(width) × \(height) pixels is more than the limit of \(maxPixels); refused to protect memory")
        }
        let spp = try d.integer(277, name: "SamplesPerPixel", default: 1)!
        guard spp >= 1, spp <= 16 else { throw FormatError.corrupt(format: .tiff, "SamplesPerPixel is \(spp)") }
        guard width * height <= maxPixels / spp else {
            throw FormatError.unsupported(format: .tiff, "\(width) × \(height) × \(spp) samples is more than the limit of \(maxPixels); refused to protect memory")
        }
        let bitsList = try d.integers(258, name: "BitsPerSample") ?? [1]
        guard let bits = bitsList.first else { throw FormatError.corrupt(format: .tiff, "BitsPerSample has no value") }
        guard bitsList.allSatisfy({ $0 == bits }) else {
            throw FormatError.unsupported(format: .tiff, "samples of different bit depths \(bitsList)")
        }
        let formatList = try d.integers(339, name: "SampleFormat") ?? [1]
        let sampleFormat = formatList.first ?? 1
        let kind: SampleKind
        switch (sampleFormat, bits) {
        case (1, 8), (4, 8): kind = .u8
        case (2, 8): kind = .i8
        case (1, 16), (4, 16): kind = .u16
        case (2, 16): kind = .i16
        case (1, 32), (4, 32): kind = .u32
        case (2, 32): kind = .i32
        case (3, 32): kind = .f32
        case (3, 64): kind = .f64
        default:
            let fmt = [1: "unsigned", 2: "signed", 3: "floating-point"][sampleFormat] ?? "format \(sampleFormat)"
            throw FormatError.unsupported(format: .tiff, "\(bits)-bit \(fmt) samples (8/16/32-bit integers and 32/64-bit floats are read)")
        }
        let bps = bits / 8
        let compression = try d.integer(259, name: "Compression", default: 1)!
        guard [1, 5, 8, 32946, 32773].contains(compression) else {
            let names = [2: "CCITT RLE", 3: "CCITT G3", 4: "CCITT G4", 6: "old JPEG", 7: "JPEG", 34712: "JPEG 2000", 50000: "Zstd", 34925: "LZMA", 50001: "WebP"]
            throw FormatError.unsupported(format: .tiff, "compression \(compression)\(names[compression].map { " (\($0))" } ?? "") (none, LZW, Deflate and PackBits are read)")
        }
        let predictor = try d.integer(317, name: "Predictor", default: 1)!
        guard [1, 2, 3].contains(predictor) else { throw FormatError.unsupported(format: .tiff, "predictor \(predictor)") }
        if predictor == 3 && !(kind == .f32 || kind == .f64) {
            throw FormatError.corrupt(format: .tiff, "floating-point predictor on integer samples")
        }
        let photometric = try d.integer(262, name: "PhotometricInterpretation", default: spp >= 3 ? 2 : 1)!
        guard [0, 1, 2, 3].contains(photometric) else {
            let names = [4: "transparency mask", 5: "CMYK", 6: "YCbCr", 8: "CIELab", 32844: "LogL", 32845: "LogLuv"]
            throw FormatError.unsupported(format: .tiff, "photometric interpretation \(photometric)\(names[photometric].map { " (\($0))" } ?? "")")
        }
        if photometric == 2 && spp < 3 { throw FormatError.corrupt(format: .tiff, "RGB image with \(spp) sample(s) per pixel") }
        let planar = try d.integer(284, name: "PlanarConfiguration", default: 1)!
        guard planar == 1 || planar == 2 else { throw FormatError.corrupt(format: .tiff, "PlanarConfiguration is \(planar)") }

        // Chunk geometry: strips or tiles.
        let tiled = d.has(322) || d.has(324)
        let chunkW: Int, chunkH: Int, offsets: [Int], counts: [Int]?, label: String
        if tiled {
            guard let tw = try d.integer(322, name: "TileWidth"), let th = try d.integer(323, name: "TileLength"),
                  let to = try d.integers(324, name: "TileOffsets") else {
                throw FormatError.corrupt(format: .tiff, "tiled image without TileWidth, TileLength or TileOffsets")
            }
            // Tiles may overhang the image, but not absurdly (that would only allocate memory).
            guard tw > 0, th > 0, tw <= max(1024, 2 * width), th <= max(1024, 2 * height) else {
                throw FormatError.corrupt(format: .tiff, "tile size \(tw)×\(th) is absurd")
            }
            chunkW = tw; chunkH = th; offsets = to
            counts = try d.integers(325, name: "TileByteCounts"); label = "tile"
        } else {
            guard let so = try d.integers(273, name: "StripOffsets") else {
                throw FormatError.corrupt(format: .tiff, "StripOffsets is missing")
            }
            let rps = try d.integer(278, name: "RowsPerStrip", default: height)!
            chunkW = width; chunkH = rps <= 0 || rps > height ? height : rps; offsets = so
            counts = try d.integers(279, name: "StripByteCounts"); label = "strip"
        }
        let across = (width + chunkW - 1) / chunkW
        let down = (height + chunkH - 1) / chunkH
        let planes = planar == 2 ? spp : 1
        let sppChunk = planar == 2 ? 1 : spp
        let expectedChunks = across * down * planes
        guard offsets.count >= expectedChunks else {
            throw FormatError.corrupt(format: .tiff, "\(offsets.count) \(label) offsets for the \(expectedChunks) \(label)s the image needs")
        }
        if let counts, counts.count < expectedChunks {
            throw FormatError.corrupt(format: .tiff, "\(counts.count) \(label) byte counts for the \(expectedChunks) \(label)s the image needs")
        }
        if compression != 1 && counts == nil {
            throw FormatError.corrupt(format: .tiff, "compressed image without \(label) byte counts")
        }

        let n = width * height
        // The chunks tile the whole image (their count was checked above), so every sample of
        // every plane is written exactly once below: no need to zero the planes first.
        var out = (0..<spp).map { _ in
            [Float](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        }
        let rowBytes = chunkW * sppChunk * bps
        let bytes = ifd.bytes
        for index in 0..<expectedChunks {
            let plane = index / (across * down)
            let within = index % (across * down)
            let x0 = (within % across) * chunkW, y0 = (within / across) * chunkH
            let rows = tiled ? chunkH : min(chunkH, height - y0)
            let cols = min(chunkW, width - x0)
            let expected = rows * rowBytes
            let start = offsets[index]
            let stored = counts?[index] ?? expected
            guard stored >= 0 else { throw FormatError.corrupt(format: .tiff, "\(label) \(index) has a negative byte count") }
            guard start >= 0, start <= bytes.count else {
                throw FormatError.truncated(format: .tiff, "\(label) \(index) starts at offset \(start), past the end of the file (\(bytes.count) bytes)")
            }
            if compression == 1 && stored < expected {
                throw FormatError.truncated(format: .tiff, "\(label) \(index) is truncated (expected \(expected) bytes, the file says \(stored))")
            }
            let available = bytes.count - start
            let need = compression == 1 ? expected : stored
            guard need <= available else {
                throw FormatError.truncated(format: .tiff, "\(label) \(index) is truncated (expected \(need) bytes, found \(available))")
            }
            if compression == 1 && predictor == 1 {
                // Uncompressed: convert straight from the file's bytes (bounds checked above).
                bytes.data.withUnsafeBytes { all in
                    out.withUnsafeMutableBufferPointer { outPlanes in
                        for r in 0..<min(rows, height - y0) {
                            TIFFPage.convert(all, from: start + r * rowBytes, count: cols * sppChunk, kind: kind,
                                             bigEndian: bytes.bigEndian, spp: sppChunk, firstPlane: plane,
                                             into: outPlanes, at: (y0 + r) * width + x0)
                        }
                    }
                }
                continue
            }
            var chunk: [UInt8]
            do {
                chunk = try bytes.data.withUnsafeBytes { rawAll -> [UInt8] in
                    let all = rawAll.bindMemory(to: UInt8.self)
                    let src = UnsafeBufferPointer(rebasing: all[start..<(start + need)])
                    switch compression {
                    case 1: return Array(src)
                    case 5: return try TIFFDecompression.lzw(src, expected: expected)
                    case 32773: return try TIFFDecompression.packBits(src, expected: expected)
                    default: return try TIFFDecompression.deflate(src, expected: expected)
                    }
                }
            } catch let f as TIFFDecompression.Failure {
                let text = "\(label) \(index): \(f.message)"
                throw f.truncated ? FormatError.truncated(format: .tiff, text) : FormatError.corrupt(format: .tiff, text)
            }
            var chunkBigEndian = bytes.bigEndian
            if predictor == 2 {
                TIFFPredictor.undoHorizontal(&chunk, rows: rows, rowSamples: chunkW * sppChunk, stride: sppChunk,
                                             bytesPerSample: bps, bigEndian: bytes.bigEndian)
            } else if predictor == 3 {
                TIFFPredictor.undoFloatingPoint(&chunk, rows: rows, rowSamples: chunkW * sppChunk, stride: sppChunk,
                                                bytesPerSample: bps)
                chunkBigEndian = true
            }
            chunk.withUnsafeBytes { src in
                out.withUnsafeMutableBufferPointer { outPlanes in
                    for r in 0..<min(rows, height - y0) {
                        TIFFPage.convert(src, from: r * rowBytes, count: cols * sppChunk, kind: kind, bigEndian: chunkBigEndian,
                                         spp: sppChunk, firstPlane: plane, into: outPlanes, at: (y0 + r) * width + x0)
                    }
                }
            }
        }
        if photometric == 0 {
            let top: Float
            switch kind {
            case .u8: top = 255
            case .u16: top = 65535
            case .u32: top = Float(UInt32.max)
            default: throw FormatError.unsupported(format: .tiff, "WhiteIsZero with signed or floating-point samples")
            }
            for k in 0..<spp { for i in 0..<n { out[k][i] = top - out[k][i] } }
        }
        return try assemble(out, width: width, height: height, photometric: photometric, kind: kind, bits: bits)
    }

    /// Converts `count` samples starting at byte `from` to Float, dealing them out to planes
    /// `firstPlane…firstPlane+spp-1` at pixel index `at`.
    static func convert(_ src: UnsafeRawBufferPointer, from: Int, count: Int, kind: SampleKind, bigEndian: Bool,
                        spp: Int, firstPlane: Int, into planes: UnsafeMutableBufferPointer<[Float]>, at: Int) {
        guard let srcBase = src.baseAddress else { return }
        let pixels = count / spp
        for s in 0..<spp {
            planes[firstPlane + s].withUnsafeMutableBufferPointer { dst in
                let d = dst.baseAddress! + at
                switch kind {
                case .u8:
                    let p = srcBase.assumingMemoryBound(to: UInt8.self) + from + s
                    for i in 0..<pixels { d[i] = Float(p[i &* spp]) }
                case .i8:
                    let p = srcBase.assumingMemoryBound(to: UInt8.self) + from + s
                    for i in 0..<pixels { d[i] = Float(Int8(bitPattern: p[i &* spp])) }
                case .u16: load(srcBase + from + 2 * s, pixels, spp, bigEndian, d, UInt16.self) { Float($0) }
                case .i16: load(srcBase + from + 2 * s, pixels, spp, bigEndian, d, UInt16.self) { Float(Int16(bitPattern: $0)) }
                case .u32: load(srcBase + from + 4 * s, pixels, spp, bigEndian, d, UInt32.self) { Float($0) }
                case .i32: load(srcBase + from + 4 * s, pixels, spp, bigEndian, d, UInt32.self) { Float(Int32(bitPattern: $0)) }
                case .f32: load(srcBase + from + 4 * s, pixels, spp, bigEndian, d, UInt32.self) { Float(bitPattern: $0) }
                case .f64: load(srcBase + from + 8 * s, pixels, spp, bigEndian, d, UInt64.self) { Float(Double(bitPattern: $0)) }
                }
            }
        }
    }

    /// Tight loop over `n` samples `step` samples apart, byte order decided once.
    @inline(__always)
    private static func load<T: FixedWidthInteger>(
        _ p: UnsafeRawPointer, _ n: Int, _ step: Int, _ big: Bool, _ d: UnsafeMutablePointer<Float>,
        _ type: T.Type, _ map: (T) -> Float
    ) {
        let stride = step &* MemoryLayout<T>.size
        if step == 1 && !big && Int(bitPattern: p) % MemoryLayout<T>.alignment == 0 {
            // Contiguous, aligned, native order: a plain loop the compiler vectorises.
            let typed = p.assumingMemoryBound(to: T.self)
            for i in 0..<n { d[i] = map(typed[i]) }
            return
        }
        if big {
            for i in 0..<n { d[i] = map(T(bigEndian: p.loadUnaligned(fromByteOffset: i &* stride, as: T.self))) }
        } else {
            for i in 0..<n { d[i] = map(T(littleEndian: p.loadUnaligned(fromByteOffset: i &* stride, as: T.self))) }
        }
    }

    private func assemble(_ planes: [[Float]], width: Int, height: Int, photometric: Int, kind: SampleKind, bits: Int) throws -> ImageDocument {
        let (pixelSize, unit, calMeta) = try calibration()
        var metadata = calMeta
        if let desc = try ifd.text(270), !desc.isEmpty { metadata["tiff.description"] = desc }
        if let software = try ifd.text(305), !software.isEmpty { metadata["tiff.software"] = software }
        // DateTime, "YYYY:MM:DD HH:MM:SS" (baseline TIFF, no time zone): when the image was made.
        if let dateTime = try ifd.text(306), !dateTime.isEmpty { metadata["tiff.datetime"] = dateTime }
        metadata["tiff.sample"] = "\(kind)"
        func img(_ p: [Float]) throws -> Image {
            try Image(width: width, height: height, pixels: p, pixelSize: pixelSize, unit: unit,
                      valueUnit: calMeta["imagej.vunit"], maxPixels: maxPixels)
        }
        var channels: [ImageChannel] = []
        var rgb: RGBImage?
        let n = width * height
        if photometric == 3 {
            guard let map = try ifd.integers(320, name: "ColorMap"), (kind == .u8 || kind == .u16), map.count == 3 << bits else {
                throw FormatError.corrupt(format: .tiff, "palette image without a valid ColorMap")
            }
            let size = 1 << bits
            var r = [Float](repeating: 0, count: n), g = r, b = r
            var rgb8 = [UInt8](repeating: 0, count: 3 * n)
            for i in 0..<n {
                let idx = Int(planes[0][i])
                r[i] = Float(map[idx]); g[i] = Float(map[size + idx]); b[i] = Float(map[2 * size + idx])
                rgb8[3 * i] = UInt8(map[idx] >> 8); rgb8[3 * i + 1] = UInt8(map[size + idx] >> 8); rgb8[3 * i + 2] = UInt8(map[2 * size + idx] >> 8)
            }
            rgb = try RGBImage(width: width, height: height, samples: rgb8, pixelSize: pixelSize, unit: unit)
            channels = [ImageChannel(name: "luminance", image: rgb!.luminance()),
                        ImageChannel(name: "red", image: try img(r)), ImageChannel(name: "green", image: try img(g)),
                        ImageChannel(name: "blue", image: try img(b))]
            channels[0].image.pixelSize = pixelSize
            return ImageDocument(format: .tiff, channels: channels, rgb: rgb, metadata: metadata)
        }
        if photometric == 2 {
            var lum = [Float](repeating: 0, count: n)
            for i in 0..<n { lum[i] = 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i] }
            channels = [ImageChannel(name: "luminance", image: try img(lum)),
                        ImageChannel(name: "red", image: try img(planes[0])), ImageChannel(name: "green", image: try img(planes[1])),
                        ImageChannel(name: "blue", image: try img(planes[2]))]
            if kind == .u8 || kind == .u16 {
                let shift = kind == .u16 ? 8 : 0
                var rgb8 = [UInt8](repeating: 0, count: 3 * n)
                for i in 0..<n { for k in 0..<3 { rgb8[3 * i + k] = UInt8(Int(planes[k][i]) >> shift) } }
                rgb = try RGBImage(width: width, height: height, samples: rgb8, pixelSize: pixelSize, unit: unit)
            }
            for k in 3..<planes.count { channels.append(ImageChannel(name: "extra \(k - 2)", image: try img(planes[k]))) }
        } else {
            channels = [ImageChannel(name: "gray", image: try img(planes[0]))]
            for k in 1..<planes.count { channels.append(ImageChannel(name: "extra \(k)", image: try img(planes[k]))) }
        }
        return ImageDocument(format: .tiff, channels: channels, rgb: rgb, metadata: metadata)
    }

    /// Pixel size from ImageJ's description or from the resolution tags (see `TIFFReader.read`).
    private func calibration() throws -> (PixelSize?, LengthUnit, [String: String]) {
        var meta: [String: String] = [:]
        let xr = try ifd.real(282, name: "XResolution"), yr = try ifd.real(283, name: "YResolution")
        let resUnit = try ifd.integer(296, name: "ResolutionUnit", default: 2)!
        if let xr { meta["tiff.x_resolution"] = String(xr) }
        if let yr { meta["tiff.y_resolution"] = String(yr) }
        meta["tiff.resolution_unit"] = String(resUnit)
        if let desc = try ifd.text(270), desc.hasPrefix("ImageJ=") {
            var fields: [String: String] = [:]
            for line in desc.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                if let eq = line.firstIndex(of: "=") {
                    // Spaces and tabs trimmed without Foundation's character sets, whose first
                    // use costs more than decoding a 512² frame.
                    let value = line[line.index(after: eq)...].drop { $0 == " " || $0 == "\t" }
                    fields[String(line[..<eq])] = String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
                }
            }
            if let v = fields["vunit"], !v.isEmpty { meta["imagej.vunit"] = ValueUnit.asciiUnescaped(v) }
            if let u = fields["unit"] {
                // ImageJ writes µ escaped as \u00B5 (µm: \u00B5m), at the front of the unit.
                let spelled = u.lowercased().hasPrefix("\\u00b5") ? "µ" + u.dropFirst(6) : u
                meta["imagej.unit"] = spelled
                if let unit = LengthUnit(parsing: spelled), unit != .none, let xr, xr > 0 {
                    let y = (yr ?? xr) > 0 ? (yr ?? xr) : xr
                    return (PixelSize(x: 1 / xr, y: 1 / y), unit, meta)
                }
            }
            return (nil, .none, meta)
        }
        guard let xr, xr > 0, resUnit == 2 || resUnit == 3 else { return (nil, .none, meta) }
        let y = (yr ?? xr) > 0 ? (yr ?? xr) : xr
        let perInch = resUnit == 2 ? 1.0 : 2.54
        if Calibration.isPrinterDefault(pixelsPerInch: xr * perInch) && Calibration.isPrinterDefault(pixelsPerInch: y * perInch) {
            return (nil, .none, meta)
        }
        let metresPerUnit = resUnit == 2 ? 0.0254 : 0.01
        guard let (ps, unit) = Calibration.fromMetres(x: metresPerUnit / xr, y: metresPerUnit / y) else { return (nil, .none, meta) }
        return (ps, unit, meta)
    }
}
