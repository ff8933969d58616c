import AnchorGeometry
import Foundation

/// TIFF writing: uncompressed little-endian single-page files that ImageJ/Fiji open with their
/// physical scale.
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
        return encode(width: image.width, height: image.height, samplesPerPixel: 1,
                      bitsPerSample: type == .float32 ? 32 : 16, sampleFormat: type == .float32 ? 3 : 1,
                      photometric: 1, pixels: samples, pixelSize: image.pixelSize, unit: image.unit, extraDescription: extra)
    }

    /// Encodes an 8-bit RGB image, with its calibration.
    public static func encode(rgb: RGBImage) -> Data {
        encode(width: rgb.width, height: rgb.height, samplesPerPixel: 3, bitsPerSample: 8, sampleFormat: 1,
               photometric: 2, pixels: rgb.samples, pixelSize: rgb.pixelSize, unit: rgb.unit, extraDescription: [])
    }

    private static func encode(width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int, sampleFormat: Int,
                               photometric: Int, pixels: [UInt8], pixelSize: PixelSize?, unit: LengthUnit,
                               extraDescription: [String]) -> Data {
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
        let dataOffset = 8
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
        out += [0x49, 0x49, 42, 0] + le32(ifdOffset)
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
        out += le32(0)
        out += tail
        return Data(out)
    }
}
