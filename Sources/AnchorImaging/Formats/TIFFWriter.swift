import AnchorGeometry
import Foundation

/// TIFF writing: uncompressed little-endian files (one page or a stack) that ImageJ/Fiji open with their
/// physical scale.
///
/// Calibration is written the way ImageJ writes it: an ImageDescription starting `ImageJ=1.11a`
/// with `unit=nm` (µm as `micron`), XResolution/YResolution holding *pixels per unit*, and
/// ResolutionUnit 1 (none). A gray image's value unit is written as `vunit=` (ImageJ's key
/// for the unit of calibrated values), non-ASCII escaped as `\uXXXX` (µ → `\u00B5`) as
/// ImageJ escapes it. Other TIFF readers see the same pixels; `TIFFReader` reads the
/// calibration and the value unit back.
public enum TIFFWriter {
    /// The sample type of a gray TIFF.
    public enum GraySampleType: Sendable {
        /// IEEE float32: the values exactly as the image holds them.
        case float32
        /// Unsigned 16-bit: values rounded and clipped to 0…65535 (non-finite become 0).
        case uint16
    }

    /// Encodes a gray image, with its calibration when `image.unit` is not `.none`, and its
    /// acquisition time as the baseline DateTime tag when `dateTime` is given (see
    /// `CivilDateTime`).
    public static func encode(_ image: Image, as type: GraySampleType = .float32, dateTime: CivilDateTime? = nil) throws -> Data {
        try encodePages([image], as: type, dateTimes: [dateTime])
    }

    /// Encodes gray images as the pages of one file (a stack), each with its calibration and
    /// optional DateTime. When every page has the same size, the first page's description
    /// carries ImageJ's `images=N` so ImageJ/Fiji open the file as one calibrated stack.
    /// - Throws: `ImageError.invalidParameter` for an empty list or a `dateTimes` list of
    ///   another length.
    public static func encodePages(_ images: [Image], as type: GraySampleType = .float32,
                                   dateTimes: [CivilDateTime?]? = nil) throws -> Data {
        guard !images.isEmpty else { throw ImageError.invalidParameter(name: "images", reason: "no page to write") }
        if let dateTimes, dateTimes.count != images.count {
            throw ImageError.invalidParameter(name: "dateTimes", reason: "\(dateTimes.count) given for \(images.count) pages")
        }
        let uniform = images.allSatisfy { $0.width == images[0].width && $0.height == images[0].height }
        var pages: [Page] = []
        for (k, image) in images.enumerated() {
            var page = grayPage(image, as: type)
            if k == 0 && images.count > 1 && uniform {
                page.extraDescription.insert(contentsOf: ["images=\(images.count)", "slices=\(images.count)"], at: 0)
            }
            page.dateTime = dateTimes?[k]
            pages.append(page)
        }
        return assemble(pages)
    }

    /// Encodes several gray float32 images of one size as the pages of one file (page k =
    /// `pages[k]`), each with its calibration — e.g. the two components of a displacement
    /// field. `TIFFReader` reads page k with `ImageReadOptions(page: k)`.
    /// - Throws: `ImageError.invalidParameter` when the list is empty or the sizes differ.
    public static func encode(pages: [Image]) throws -> Data {
        guard let first = pages.first, pages.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw ImageError.invalidParameter(name: "pages", reason: "need at least one page, all of one size")
        }
        return try encodePages(pages, as: .float32)
    }

    /// Encodes an 8-bit RGB image, with its calibration.
    public static func encode(rgb: RGBImage) -> Data {
        assemble([Page(width: rgb.width, height: rgb.height, samplesPerPixel: 3, bitsPerSample: 8, sampleFormat: 1,
                       photometric: 2, pixels: rgb.samples, pixelSize: rgb.pixelSize, unit: rgb.unit, extraDescription: [])])
    }

    /// One image directory's content before layout.
    struct Page {
        var width: Int, height: Int, samplesPerPixel: Int, bitsPerSample: Int, sampleFormat: Int, photometric: Int
        var pixels: [UInt8]
        var pixelSize: PixelSize?
        var unit: LengthUnit
        var extraDescription: [String]
        var dateTime: CivilDateTime? = nil
    }

    /// A gray page with its samples (see `grayPageHeader` and `graySamples`).
    private static func grayPage(_ image: Image, as type: GraySampleType) -> Page {
        var page = grayPageHeader(image, as: type)
        page.pixels = graySamples(image, as: type)
        return page
    }

    /// A gray page's directory content (size, sample type, calibration, description lines),
    /// its `pixels` left empty.
    static func grayPageHeader(_ image: Image, as type: GraySampleType) -> Page {
        var extra: [String] = []
        if type == .float32, let r = image.finiteRange { extra = ["min=\(r.min)", "max=\(r.max)"] }
        if let v = image.valueUnit, !v.isEmpty { extra.append("vunit=\(ValueUnit.asciiEscaped(v))") }
        return Page(width: image.width, height: image.height, samplesPerPixel: 1,
                    bitsPerSample: type == .float32 ? 32 : 16, sampleFormat: type == .float32 ? 3 : 1,
                    photometric: 1, pixels: [], pixelSize: image.pixelSize, unit: image.unit, extraDescription: extra)
    }

    /// A gray image's samples as the file holds them (little-endian).
    static func graySamples(_ image: Image, as type: GraySampleType) -> [UInt8] {
        var samples = [UInt8]()
        switch type {
        case .float32:
            samples.reserveCapacity(image.count * 4)
            // Little-endian hosts copy the samples at once (a loop per sample was a tenth of a
            // `locate` run's CPU); big-endian ones swap each.
            if 1.littleEndian == 1 {
                image.pixels.withUnsafeBytes { samples.append(contentsOf: $0) }
            } else {
                for v in image.pixels { withUnsafeBytes(of: v.bitPattern.littleEndian) { samples.append(contentsOf: $0) } }
            }
        case .uint16:
            samples.reserveCapacity(image.count * 2)
            for v in image.pixels {
                let q: UInt16 = v.isFinite ? UInt16(min(max(v.rounded(), 0), 65535)) : 0
                withUnsafeBytes(of: q.littleEndian) { samples.append(contentsOf: $0) }
            }
        }
        return samples
    }

    /// Lays the pages out one after the other (pixels, directory, the directory's long values)
    /// and links the directories.
    private static func assemble(_ pages: [Page]) -> Data {
        var out: [UInt8] = [0x49, 0x49, 42, 0, 0, 0, 0, 0]
        // Room for every page up front: growing a multi-MB buffer copies it and faults in
        // fresh pages each time.
        out.reserveCapacity(8 + pages.reduce(0) { $0 + $1.pixels.count + 4096 + $1.extraDescription.count * 64 })
        var linkAt = 4
        for page in pages {
            let (ifdOffset, nextField) = encode(page, into: &out)
            for k in 0..<4 { out[linkAt + k] = UInt8(ifdOffset >> (8 * k) & 0xFF) }
            linkAt = nextField
        }
        return Data(out)
    }

    /// Appends one page's bytes to `out` (whose length, the page's file offset, is even):
    /// its pixels, then its directory. Returns the directory's offset and the offset of its
    /// next-directory field (left 0). Appending in place spares a copy of the pixels.
    private static func encode(_ page: Page, into out: inout [UInt8]) -> (ifdOffset: Int, nextField: Int) {
        let start = out.count
        let pixels = page.pixels
        let ifdOffset = start + pixels.count + (pixels.count & 1)
        out += pixels
        if pixels.count & 1 == 1 { out.append(0) }
        let (ifd, nextField) = directory(page, pixelCount: pixels.count, dataOffset: start)
        out += ifd
        return (ifdOffset, ifdOffset + nextField)
    }

    /// The bytes of `page`'s directory and its long values, for pixels of `pixelCount` bytes
    /// at file offset `dataOffset` (even) followed by a pad byte when `pixelCount` is odd, the
    /// directory right after them. Returns the bytes and the index in them of the
    /// next-directory field (left 0).
    static func directory(_ page: Page, pixelCount: Int, dataOffset: Int) -> (bytes: [UInt8], nextField: Int) {
        let width = page.width, height = page.height, samplesPerPixel = page.samplesPerPixel
        let bitsPerSample = page.bitsPerSample, sampleFormat = page.sampleFormat, photometric = page.photometric
        // ImageJ has no Ångström; such images are written in nm.
        var unit = page.unit
        var pixelSize = page.pixelSize
        if unit == .angstrom, let ps = pixelSize { pixelSize = PixelSize(x: ps.x / 10, y: ps.y / 10); unit = .nanometre }
        let calibrated = unit != .none && pixelSize.map { $0.x > 0 && $0.y > 0 && $0.x.isFinite && $0.y.isFinite } == true
        var description = "ImageJ=1.11a\n"
        if calibrated { description += "unit=\(unit == .micrometre ? "micron" : unit.rawValue)\n" }
        for line in page.extraDescription { description += line + "\n" }
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
        if let dateTime = page.dateTime {
            var text = Array(dateTime.tiffText.utf8); text.append(0)
            entries.append(Entry(tag: 306, type: 2, count: UInt32(text.count), payload: text))
        }
        entries.sort { $0.tag < $1.tag }

        let ifdOffset = dataOffset + pixelCount + (pixelCount & 1)
        var out: [UInt8] = []
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
        let nextField = out.count
        out += le32(0)
        out += tail
        return (out, nextField)
    }
}
