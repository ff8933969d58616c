import CJPEG
import Foundation

/// JPEG writing through libjpeg(-turbo): baseline, 4:2:0 chroma subsampling for colour
/// (libjpeg's defaults), quality on libjpeg's 1…100 scale.
///
/// JPEG is lossy: use it for photographs that imitate a camera's output (e.g. the synthetic
/// optical pairs of `synth om-pair --jpeg-quality`), never for measured data.
public enum JPEGWriter {
    /// Encodes an 8-bit RGB image at `quality` (1…100; cameras write 70…95).
    /// - Throws: `ImageError.invalidParameter` for a quality outside 1…100,
    ///   `FormatError.corrupt` with libjpeg's message if the encoder fails.
    public static func encode(rgb: RGBImage, quality: Int = 90) throws -> Data {
        try encode(bytes: rgb.samples, width: rgb.width, height: rgb.height, channels: 3, quality: quality)
    }

    /// Encodes 8-bit gray samples (row-major, `width × height`) at `quality` (1…100).
    /// - Throws: as `encode(rgb:quality:)`, and `ImageError.sizeMismatch` when the sample count
    ///   is not `width × height`.
    public static func encode(gray8 samples: [UInt8], width: Int, height: Int, quality: Int = 90) throws -> Data {
        guard samples.count == width * height else {
            throw ImageError.sizeMismatch("\(samples.count) samples for a \(width)×\(height) JPEG")
        }
        return try encode(bytes: samples, width: width, height: height, channels: 1, quality: quality)
    }

    static func encode(bytes: [UInt8], width: Int, height: Int, channels: Int, quality: Int) throws -> Data {
        guard (1...100).contains(quality) else {
            throw ImageError.invalidParameter(name: "quality", reason: "JPEG quality \(quality); use 1…100")
        }
        // JPEG's own limit on each side.
        guard (1...65_500).contains(width), (1...65_500).contains(height) else {
            throw ImageError.invalidDimensions(width: width, height: height, reason: "JPEG sides are 1…65500 px")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        let status = bytes.withUnsafeBufferPointer { p in
            anchor_jpeg_encode(p.baseAddress, UInt32(width), UInt32(height), Int32(channels), Int32(quality),
                               &out, &size, &message)
        }
        defer { anchor_jpeg_free_buffer(out) }
        guard status == Int32(ANCHOR_JPEG_OK), let out else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FormatError.corrupt(format: .jpeg, text.isEmpty ? "libjpeg could not encode the image" : text)
        }
        return Data(bytes: out, count: Int(size))
    }
}
