import CJPEG
import Foundation

/// JPEG reading through libjpeg(-turbo).
///
/// libjpeg's error handler must not return; the C glue in `Sources/CJPEG/shim.h` keeps the
/// `setjmp`/`longjmp` inside C and returns a status, so a corrupt or truncated file becomes a
/// `FormatError` (libjpeg would otherwise pad a truncated file with gray and only warn).
public enum JPEGReader {
    /// Reads a baseline or progressive JPEG, gray or colour (YCbCr/RGB; CMYK is refused).
    ///
    /// Gray files give the channel "gray"; colour files give "luminance" (BT.601, see
    /// `RGBImage.luminance`), "red", "green", "blue" and `rgb`. JFIF density is kept in the
    /// metadata only: cameras write 72 or 300 dpi there, which is no specimen calibration.
    /// - Throws: `FormatError` (`.badMagic`, `.truncated`, `.corrupt` with libjpeg's message,
    ///   `.unsupported` for CMYK or more than `options.maxPixels` pixels).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        guard data.count >= 3, data[data.startIndex] == 0xFF, data[data.startIndex + 1] == 0xD8,
              data[data.startIndex + 2] == 0xFF else {
            throw FormatError.badMagic(format: .jpeg, "the file does not start with FF D8 FF")
        }
        guard options.page == 0 else {
            throw FormatError.noSuchChannel(format: .jpeg, requested: "page \(options.page)", available: ["page 0"])
        }
        var r = anchor_jpeg_result()
        data.withUnsafeBytes { raw in
            anchor_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, max(0, options.maxPixels), &r)
        }
        defer { anchor_jpeg_free(&r) }
        let message = withUnsafeBytes(of: r.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch r.status {
        case Int32(ANCHOR_JPEG_OK): break
        case Int32(ANCHOR_JPEG_TRUNCATED):
            throw FormatError.truncated(format: .jpeg, message.isEmpty ? "premature end of data" : message)
        case Int32(ANCHOR_JPEG_TOO_LARGE), Int32(ANCHOR_JPEG_UNSUPPORTED):
            throw FormatError.unsupported(format: .jpeg, message)
        default:
            throw FormatError.corrupt(format: .jpeg, message.isEmpty ? "libjpeg could not decode it" : message)
        }
        let w = Int(r.width), h = Int(r.height), c = Int(r.channels)
        guard let base = r.pixels, c == 1 || c == 3 else {
            throw FormatError.corrupt(format: .jpeg, "decoder returned \(c) components")
        }
        let n = w * h
        var metadata: [String: String] = [:]
        if r.x_density > 0 {
            let unit = ["aspect ratio", "dpi", "dots/cm"][Int(min(r.density_unit, 2))]
            metadata["jpeg.density"] = "\(r.x_density) × \(r.y_density) \(unit)"
        }
        if r.warnings > 0 { metadata["jpeg.warning"] = message }
        if c == 1 {
            let px = (0..<n).map { Float(base[$0]) }
            return ImageDocument(format: .jpeg, channels: [ImageChannel(name: "gray", image: try Image(width: w, height: h, pixels: px))],
                                 metadata: metadata)
        }
        let rgb = try RGBImage(width: w, height: h, samples: Array(UnsafeBufferPointer(start: base, count: n * 3)))
        var channels = [ImageChannel(name: "luminance", image: rgb.luminance())]
        for (k, name) in ["red", "green", "blue"].enumerated() {
            var plane = [Float](repeating: 0, count: n)
            for i in 0..<n { plane[i] = Float(base[3 * i + k]) }
            channels.append(ImageChannel(name: name, image: try Image(width: w, height: h, pixels: plane)))
        }
        return ImageDocument(format: .jpeg, channels: channels, rgb: rgb, metadata: metadata)
    }
}
