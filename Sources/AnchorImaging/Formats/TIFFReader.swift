import AnchorGeometry
import Foundation

/// Baseline and common-extension TIFF reading, in Swift.
///
/// Supported: little (`II`) and big (`MM`) endian; strips and tiles; chunky and planar
/// samples; 8/16/32-bit unsigned and signed integers, 32/64-bit floats; gray (BlackIsZero,
/// WhiteIsZero), RGB and palette; compression none, LZW, Deflate (8 and 32946) and PackBits;
/// predictors 2 (horizontal) and 3 (floating point); any page of a multi-page file.
/// Not supported (typed error): BigTIFF, JPEG/CCITT/other compression, YCbCr/CMYK/Lab, bit
/// depths other than 8/16/32/64, 16-bit floats.
///
/// Every offset and length is checked against the file size before it is used, the IFD chain
/// is checked for cycles, and the image size is checked against `ImageReadOptions.maxPixels`
/// before any pixel buffer is allocated.
public enum TIFFReader {
    /// Reads page `options.page` of a TIFF.
    ///
    /// Gray pages give one channel "gray"; RGB and palette pages give "luminance" (BT.601),
    /// "red", "green", "blue" and, for 8/16-bit samples, `rgb`; extra samples (alpha) are
    /// named "extra 1", … . Calibration: an ImageJ description (`ImageJ=…`, `unit=…`) with
    /// XResolution/YResolution in pixels per unit; otherwise XResolution/YResolution with
    /// ResolutionUnit inch or centimetre, unless the values are printer defaults (72, 96, 150,
    /// 300, 600 dpi), which say nothing about the specimen. The value unit of gray channels
    /// comes from the ImageJ description's `vunit=` (`\uXXXX` escapes undone), else nil.
    /// - Throws: `FormatError`: `.badMagic`, `.truncated` ("strip 3 is truncated (expected
    ///   4096 bytes, found 1200)"), `.corrupt` (cycles, bad codes, inconsistent tags),
    ///   `.unsupported`, `.noSuchChannel` for a page beyond the last.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        // Zero-based indices below; a slice of a larger Data is copied once.
        let raw = data.startIndex == 0 ? data : Data(data)
        guard raw.count >= 8 else { throw FormatError.truncated(format: .tiff, "\(raw.count) bytes is shorter than a TIFF header") }
        let big: Bool
        switch (raw[0], raw[1]) {
        case (0x49, 0x49): big = false
        case (0x4D, 0x4D): big = true
        default: throw FormatError.badMagic(format: .tiff, "byte-order mark is neither II nor MM")
        }
        let bytes = TIFFBytes(data: raw, bigEndian: big)
        let version = try bytes.u16(at: 2, what: "the version")
        if version == 43 { throw FormatError.unsupported(format: .tiff, "BigTIFF (64-bit offsets)") }
        guard version == 42 else { throw FormatError.badMagic(format: .tiff, "version is \(version), not 42") }

        // Walk the IFD chain to the requested page, refusing cycles.
        guard options.page >= 0 else {
            throw FormatError.noSuchChannel(format: .tiff, requested: "page \(options.page)", available: [])
        }
        var offset = try bytes.u32(at: 4, what: "the first directory offset")
        var seen = Set<Int>()
        var pageOffsets: [Int] = []
        while offset != 0 {
            guard offset >= 8, offset < raw.count else {
                throw FormatError.truncated(
                    format: .tiff, "directory \(pageOffsets.count) starts at offset \(offset), past the end of the file (\(raw.count) bytes)")
            }
            guard seen.insert(offset).inserted else {
                throw FormatError.corrupt(format: .tiff, "the chain of image directories loops back to offset \(offset)")
            }
            pageOffsets.append(offset)
            offset = try TIFFDirectory.nextOffset(bytes: bytes, offset: offset)
        }
        guard !pageOffsets.isEmpty else { throw FormatError.corrupt(format: .tiff, "the file has no image directory") }
        guard options.page < pageOffsets.count else {
            throw FormatError.noSuchChannel(
                format: .tiff, requested: "page \(options.page)",
                available: (0..<min(pageOffsets.count, 20)).map { "page \($0)" })
        }
        let ifd = try TIFFDirectory(bytes: bytes, offset: pageOffsets[options.page])
        var doc = try TIFFPage(ifd: ifd, maxPixels: options.maxPixels).decode()
        doc.metadata["tiff.pages"] = String(pageOffsets.count)
        doc.metadata["tiff.byte_order"] = big ? "MM" : "II"
        return doc
    }
}
