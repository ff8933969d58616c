import AnchorGeometry
import CPNG
import Foundation

/// PNG reading and writing through libpng.
///
/// libpng's error handling jumps (`longjmp`) out of its callbacks; all of that happens inside
/// the C glue in `Sources/CPNG/shim.h`, which returns a status and a message, so a corrupt file
/// (bad CRC, truncated data, bad zlib stream) becomes a `FormatError` and never jumps over Swift
/// code.
public enum PNGCodec {
    /// Reads a PNG: 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA and palette images.
    ///
    /// Samples keep their stored values (no gamma conversion): an 8-bit file gives 0…255, a
    /// 16-bit file 0…65535. Gray files give the channels "gray" (and "alpha"); colour files give
    /// "luminance" (BT.601, see `RGBImage.luminance`), "red", "green", "blue" (and "alpha") plus
    /// `rgb` (16-bit colour reduced to 8 bits there). A `pHYs` chunk in pixels per metre
    /// calibrates the image unless it is a printer default (72, 96, 150, 300, 600 dpi).
    ///
    /// - Throws: `FormatError` (`.badMagic`, `.truncated`, `.corrupt` with libpng's message,
    ///   `.unsupported` for more than `options.maxPixels` pixels or a page other than 0).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        let magic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 8, data.prefix(8).elementsEqual(magic) else {
            throw FormatError.badMagic(format: .png, "the file does not start with the PNG signature")
        }
        guard options.page == 0 else {
            throw FormatError.noSuchChannel(format: .png, requested: "page \(options.page)", available: ["page 0"])
        }
        var state = anchor_png_state()
        data.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            anchor_png_decode(base, raw.count, max(0, options.maxPixels), &state)
        }
        defer { anchor_png_free(&state) }
        let message = withUnsafeBytes(of: state.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int32(state.status) {
        case Int32(ANCHOR_PNG_OK): break
        case Int32(ANCHOR_PNG_TOO_LARGE):
            throw FormatError.unsupported(format: .png, "image of \(message); refused to protect memory")
        default:
            if message.contains("end of file") || message.contains("Not enough") {
                throw FormatError.truncated(format: .png, message)
            }
            throw FormatError.corrupt(format: .png, message.isEmpty ? "libpng could not decode it" : message)
        }
        let w = Int(state.width), h = Int(state.height), c = Int(state.channels)
        let n = w * h
        guard let base = state.pixels, c >= 1, c <= 4, state.pixels_size == n * c * Int(state.bit_depth / 8) else {
            throw FormatError.corrupt(format: .png, "decoder returned an unexpected layout")
        }
        var planes = [[Float]](repeating: [Float](repeating: 0, count: n), count: c)
        var rgb8: [UInt8] = c >= 3 ? [UInt8](repeating: 0, count: n * 3) : []
        if state.bit_depth == 16 {
            base.withMemoryRebound(to: UInt16.self, capacity: n * c) { p in
                for k in 0..<c {
                    planes[k].withUnsafeMutableBufferPointer { out in
                        for i in 0..<n { out[i] = Float(p[i * c + k]) }
                    }
                }
                if c >= 3 { for i in 0..<n { for k in 0..<3 { rgb8[3 * i + k] = UInt8(p[i * c + k] >> 8) } } }
            }
        } else {
            for k in 0..<c {
                planes[k].withUnsafeMutableBufferPointer { out in
                    for i in 0..<n { out[i] = Float(base[i * c + k]) }
                }
            }
            if c >= 3 { for i in 0..<n { for k in 0..<3 { rgb8[3 * i + k] = base[i * c + k] } } }
        }
        var pixelSize: PixelSize?
        var unit = LengthUnit.none
        var metadata: [String: String] = [
            "png.color_type": String(state.color_type), "png.bit_depth": String(state.file_bit_depth),
        ]
        if state.has_phys != 0 {
            metadata["png.pHYs"] = "\(state.phys_x) \(state.phys_y) unit \(state.phys_unit)"
            if state.phys_unit == 1, state.phys_x > 0, state.phys_y > 0,
               !(Calibration.isPrinterDefault(pixelsPerInch: Double(state.phys_x) * 0.0254)
                 && Calibration.isPrinterDefault(pixelsPerInch: Double(state.phys_y) * 0.0254)),
               let cal = Calibration.fromMetres(x: 1 / Double(state.phys_x), y: 1 / Double(state.phys_y)) {
                (pixelSize, unit) = cal
            }
        }
        func image(_ k: Int) throws -> Image {
            try Image(width: w, height: h, pixels: planes[k], pixelSize: pixelSize, unit: unit)
        }
        var channels: [ImageChannel] = []
        var rgb: RGBImage?
        if c <= 2 {
            channels.append(ImageChannel(name: "gray", image: try image(0)))
            if c == 2 { channels.append(ImageChannel(name: "alpha", image: try image(1))) }
        } else {
            var lum = [Float](repeating: 0, count: n)
            for i in 0..<n { lum[i] = 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i] }
            channels.append(ImageChannel(name: "luminance",
                                         image: try Image(width: w, height: h, pixels: lum, pixelSize: pixelSize, unit: unit)))
            for (k, name) in ["red", "green", "blue", "alpha"].prefix(c).enumerated() {
                channels.append(ImageChannel(name: name, image: try image(k)))
            }
            rgb = try RGBImage(width: w, height: h, samples: rgb8, pixelSize: pixelSize, unit: unit)
        }
        return ImageDocument(format: .png, channels: channels, rgb: rgb, metadata: metadata)
    }

    /// Encodes 8-bit gray samples (row-major, `width × height`). A calibrated `pixelSize`
    /// (metric `unit`) is written as a `pHYs` chunk in pixels per metre.
    public static func encode(gray8 samples: [UInt8], width: Int, height: Int,
                              pixelSize: PixelSize? = nil, unit: LengthUnit = .none) throws -> Data {
        try encode(bytes: samples.withUnsafeBytes { Array($0) }, width: width, height: height,
                   channels: 1, bitDepth: 8, expected: width * height, pixelSize: pixelSize, unit: unit)
    }

    /// Encodes 16-bit gray samples (row-major, `width × height`), see `encode(gray8:…)`.
    public static func encode(gray16 samples: [UInt16], width: Int, height: Int,
                              pixelSize: PixelSize? = nil, unit: LengthUnit = .none) throws -> Data {
        guard samples.count == width * height else {
            throw ImageError.sizeMismatch("\(samples.count) samples for a \(width)×\(height) PNG")
        }
        return try encode(bytes: samples.withUnsafeBytes { Array($0) }, width: width, height: height,
                          channels: 1, bitDepth: 16, expected: width * height * 2, pixelSize: pixelSize, unit: unit)
    }

    /// Encodes 8-bit indices into `palette` (RGB triples, 1…256 entries) as an indexed-colour
    /// PNG: a third of an RGB image's bytes to compress, and the same pixels when decoded.
    public static func encode(indices: [UInt8], palette: [UInt8], width: Int, height: Int,
                              pixelSize: PixelSize? = nil, unit: LengthUnit = .none) throws -> Data {
        guard palette.count % 3 == 0, (1...256).contains(palette.count / 3) else {
            throw ImageError.invalidParameter(name: "palette", reason: "need 1…256 RGB entries, got \(palette.count) bytes")
        }
        return try encode(bytes: indices, width: width, height: height, channels: 1, bitDepth: 8,
                          expected: width * height, pixelSize: pixelSize, unit: unit, palette: palette)
    }

    /// Encodes an 8-bit RGB image, with its calibration as `pHYs` when it has one.
    public static func encode(rgb: RGBImage) throws -> Data {
        try encode(bytes: rgb.samples, width: rgb.width, height: rgb.height, channels: 3, bitDepth: 8,
                   expected: rgb.width * rgb.height * 3, pixelSize: rgb.pixelSize, unit: rgb.unit)
    }

    /// Encodes a Float image as 8- or 16-bit gray, mapping `range` (default: the finite
    /// min…max of the image) linearly onto 0…255 or 0…65535; values outside are clipped and
    /// non-finite samples become 0. The mapping is linear so a 16-bit PNG keeps the image's
    /// relative values to 1/65535 of the range.
    public static func encode(_ image: Image, bitDepth: Int = 16, range: ClosedRange<Float>? = nil) throws -> Data {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ImageError.invalidParameter(name: "bitDepth", reason: "PNG output is 8 or 16 bits, not \(bitDepth)")
        }
        let r = range ?? image.finiteRange.map { $0.min...$0.max } ?? 0...1
        let top: Float = bitDepth == 8 ? 255 : 65535
        let span = r.upperBound - r.lowerBound
        let scale = span > 0 ? top / span : 0
        func q(_ v: Float) -> Float {
            guard v.isFinite else { return 0 }
            return min(max(((v - r.lowerBound) * scale).rounded(), 0), top)
        }
        if bitDepth == 8 {
            return try encode(gray8: image.pixels.map { UInt8(q($0)) }, width: image.width, height: image.height,
                              pixelSize: image.pixelSize, unit: image.unit)
        }
        return try encode(gray16: image.pixels.map { UInt16(q($0)) }, width: image.width, height: image.height,
                          pixelSize: image.pixelSize, unit: image.unit)
    }

    private static func encode(bytes: [UInt8], width: Int, height: Int, channels: Int, bitDepth: Int,
                               expected: Int, pixelSize: PixelSize?, unit: LengthUnit, palette: [UInt8]? = nil) throws -> Data {
        try Image.validate(width: width, height: height)
        guard width <= Int(UInt32.max), height <= Int(UInt32.max), bytes.count == expected else {
            throw ImageError.sizeMismatch("\(bytes.count) bytes for a \(width)×\(height) PNG with \(channels) channel(s)")
        }
        var ppmX: UInt32 = 0, ppmY: UInt32 = 0
        if let ps = pixelSize, let m = unit.metres {
            let px = 1 / (ps.x * m), py = 1 / (ps.y * m)
            if px.isFinite, py.isFinite, px >= 1, py >= 1, px < Double(UInt32.max), py < Double(UInt32.max) {
                ppmX = UInt32(px.rounded()); ppmY = UInt32(py.rounded())
            }
        }
        var state = anchor_png_state()
        bytes.withUnsafeBufferPointer { p in
            if let palette {
                palette.withUnsafeBufferPointer { lut in
                    anchor_png_encode(p.baseAddress, UInt32(width), UInt32(height), Int32(channels), Int32(bitDepth),
                                      ppmX, ppmY, lut.baseAddress, Int32(palette.count / 3), &state)
                }
            } else {
                anchor_png_encode(p.baseAddress, UInt32(width), UInt32(height), Int32(channels), Int32(bitDepth),
                                  ppmX, ppmY, nil, 0, &state)
            }
        }
        defer { anchor_png_free(&state) }
        guard state.status == 0, let out = state.out else {
            let message = withUnsafeBytes(of: state.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw FormatError.io("PNG: cannot encode: \(message)")
        }
        return Data(bytes: out, count: state.out_size)
    }
}
