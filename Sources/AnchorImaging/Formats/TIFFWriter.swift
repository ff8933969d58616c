import AnchorGeometry
import Foundation

/// TIFF writing: uncompressed little-endian files (one page, or a stack of gray float32 pages)
/// that ImageJ/Fiji open with their physical scale.
///
/// Calibration is written the way ImageJ writes it: an ImageDescription starting `ImageJ=1.11a`
/// with `unit=nm` (µm as `micron`), XResolution/YResolution holding *pixels per unit*, and
/// ResolutionUnit 1 (none). Other TIFF readers see the same pixels; `TIFFReader` reads the
/// calibration back.
public enum TIFFWriter {
    /// The sample type of a gray TIFF.
    public enum GraySampleType: Sendable {
        /// IEEE float32: the values exactly as the image holds them.
        case float32
        /// Unsigned 16-bit: values rounded and clipped to 0…65535 (non-finite become 0).
        case uint16
    }

    /// Encodes a gray image, with its calibration when `image.unit` is not `.none`.
    public static func encode(_ image: Image, as type: GraySampleType = .float32) throws -> Data {
        let page = grayPage(image, as: type)
        return encode(width: image.width, height: image.height, samplesPerPixel: 1,
                      bitsPerSample: type == .float32 ? 32 : 16, sampleFormat: type == .float32 ? 3 : 1,
                      photometric: 1, pixels: page.samples, pixelSize: image.pixelSize, unit: image.unit, extraDescription: page.extra)
    }

    /// Encodes several gray float32 images of one size as the pages of one file (page k =
    /// `pages[k]`), each with its calibration — e.g. the two components of a displacement
    /// field. `TIFFReader` reads page k with `ImageReadOptions(page: k)`.
    /// - Throws: `ImageError.invalidParameter` when the list is empty or the sizes differ.
    public static func encode(pages: [Image]) throws -> Data {
        guard let first = pages.first, pages.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw ImageError.invalidParameter(name: "pages", reason: "need at least one page, all of one size")
        }
        var out: [UInt8] = [0x49, 0x49, 42, 0, 0, 0, 0, 0]
        var pointer = 4  // where the offset of the next directory goes
        for (k, image) in pages.enumerated() {
            let page = grayPage(image, as: .float32)
            var extra = page.extra
            if k == 0 { extra = ["images=\(pages.count)", "slices=\(pages.count)"] + extra }
            let block = encodePage(width: image.width, height: image.height, samplesPerPixel: 1, bitsPerSample: 32,
                                   sampleFormat: 3, photometric: 1, pixels: page.samples, pixelSize: image.pixelSize,
                                   unit: image.unit, extraDescription: extra, base: out.count)
            for b in 0..<4 { out[pointer + b] = UInt8(block.directory >> (8 * b) & 0xFF) }
            pointer = out.count + block.nextPointer
            out += block.bytes
            if out.count & 1 == 1 { out.append(0) }
        }
        return Data(out)
    }

    private static func grayPage(_ image: Image, as type: GraySampleType) -> (samples: [UInt8], extra: [String]) {
        var samples = [UInt8]()
        var extra: [String] = []
        switch type {
        case .float32:
            samples.reserveCapacity(image.count * 4)
            for v in image.pixels { withUnsafeBytes(of: v.bitPattern.littleEndian) { samples.append(contentsOf: $0) } }
            if let r = image.finiteRange { extra = ["min=\(r.min)", "max=\(r.max)"] }
        case .uint16:
            samples.reserveCapacity(image.count * 2)
            for v in image.pixels {
                let q: UInt16 = v.isFinite ? UInt16(min(max(v.rounded(), 0), 65535)) : 0
                withUnsafeBytes(of: q.littleEndian) { samples.append(contentsOf: $0) }
            }
        }
        return (samples, extra)
    }

    /// Encodes an 8-bit RGB image, with its calibration.
    public static func encode(rgb: RGBImage) -> Data {
        encode(width: rgb.width, height: rgb.height, samplesPerPixel: 3, bitsPerSample: 8, sampleFormat: 1,
               photometric: 2, pixels: rgb.samples, pixelSize: rgb.pixelSize, unit: rgb.unit, extraDescription: [])
    }

    private static func encode(width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int, sampleFormat: Int,
                               photometric: Int, pixels: [UInt8], pixelSize: PixelSize?, unit: LengthUnit,
                               extraDescription: [String]) -> Data {
        let page = encodePage(width: width, height: height, samplesPerPixel: samplesPerPixel, bitsPerSample: bitsPerSample,
                              sampleFormat: sampleFormat, photometric: photometric, pixels: pixels, pixelSize: pixelSize,
                              unit: unit, extraDescription: extraDescription, base: 8)
        let d = page.directory
        return Data([0x49, 0x49, 42, 0, UInt8(d & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 24 & 0xFF)] + page.bytes)
    }

    /// One page (pixels, then its directory, then the directory's overflow values) laid out
    /// to start at file offset `base` (even); `directory` is the directory's file offset and
    /// `nextPointer` the position, within the returned bytes, of its next-page offset (zero:
    /// the last page).
    private static func encodePage(width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int, sampleFormat: Int,
                                   photometric: Int, pixels: [UInt8], pixelSize: PixelSize?, unit: LengthUnit,
                                   extraDescription: [String], base: Int) -> (bytes: [UInt8], nextPointer: Int, directory: Int) {
        // ImageJ has no Ångström; such images are written in nm.
        var unit = unit
        var pixelSize = pixelSize
        if unit == .angstrom, let ps = pixelSize { pixelSize = PixelSize(x: ps.x / 10, y: ps.y / 10); unit = .nanometre }
        let calibrated = unit != .none && pixelSize.map { $0.x > 0 && $0.y > 0 && $0.x.isFinite && $0.y.isFinite } == true
        var description = "ImageJ=1.11a\n"
        if calibrated { description += "unit=\(unit == .micrometre ? "micron" : unit.rawValue)\n" }
        for line in extraDescription { description += line + "\n" }
        var descBytes = Array(description.utf8); descBytes.append(0)

        struct Entry { var tag: UInt16; var type: UInt16; var count: UInt32; var payload: [UInt8] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
        func short(_ tag: Int, _ values: [Int]) -> Entry {
            Entry(tag: UInt16(tag), type: 3, count: UInt32(values.count), payload: values.flatMap(le16))
        }
        func long(_ tag: Int, _ values: [Int]) -> Entry {
            Entry(tag: UInt16(tag), type: 4, count: UInt32(values.count), payload: values.flatMap(le32))
        }
        func rational(_ tag: Int, _ value: Double) -> Entry {
            var den = 1_000_000.0
            while den > 1 && value * den > Double(UInt32.max) { den /= 10 }
            let num = min((value * den).rounded(), Double(UInt32.max))
            return Entry(tag: UInt16(tag), type: 5, count: 1, payload: le32(Int(num)) + le32(Int(den)))
        }

        let rowBytes = width * samplesPerPixel * bitsPerSample / 8
        let rowsPerStrip = max(1, min(height, (1 << 16) / max(rowBytes, 1)))
        let stripCount = (height + rowsPerStrip - 1) / rowsPerStrip
        let dataOffset = base
        var stripOffsets: [Int] = [], stripCounts: [Int] = []
        for s in 0..<stripCount {
            let rows = min(rowsPerStrip, height - s * rowsPerStrip)
            stripOffsets.append(dataOffset + s * rowsPerStrip * rowBytes)
            stripCounts.append(rows * rowBytes)
        }
        var entries: [Entry] = [
            long(256, [width]), long(257, [height]),
            short(258, Array(repeating: bitsPerSample, count: samplesPerPixel)),
            short(259, [1]), short(262, [photometric]),
            Entry(tag: 270, type: 2, count: UInt32(descBytes.count), payload: descBytes),
            long(273, stripOffsets), short(277, [samplesPerPixel]), long(278, [rowsPerStrip]), long(279, stripCounts),
            short(284, [1]),
            short(339, Array(repeating: sampleFormat, count: samplesPerPixel)),
        ]
        if calibrated, let ps = pixelSize {
            entries += [rational(282, 1 / ps.x), rational(283, 1 / ps.y), short(296, [1])]
        }
        entries.sort { $0.tag < $1.tag }

        var out = [UInt8]()
        let ifdOffset = dataOffset + pixels.count + (pixels.count & 1)
        out += pixels
        if pixels.count & 1 == 1 { out.append(0) }
        let ifdSize = 2 + entries.count * 12 + 4
        var overflow = ifdOffset + ifdSize
        var tail = [UInt8]()
        out += le16(entries.count)
        for e in entries {
            out += le16(Int(e.tag)) + le16(Int(e.type)) + le32(Int(e.count))
            if e.payload.count <= 4 {
                out += e.payload + [UInt8](repeating: 0, count: 4 - e.payload.count)
            } else {
                out += le32(overflow)
                tail += e.payload
                if e.payload.count & 1 == 1 { tail.append(0) }
                overflow += e.payload.count + (e.payload.count & 1)
            }
        }
        let nextPointer = out.count
        out += le32(0)
        out += tail
        return (out, nextPointer, ifdOffset)
    }
}
