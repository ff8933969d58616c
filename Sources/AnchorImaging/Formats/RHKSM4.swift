import Foundation
import AnchorGeometry

/// Reader for RHK Technology `.sm4` files (RHK R9 / XPMPro SPM controllers).
///
/// Layout (RHK's SM4 specification as Gwyddion `rhk-sm4.c` and the sm4file/rhksm4 readers
/// implement it; all little endian): a u16 header size, the UTF-16 signature
/// `STiMage 005.xxx n` (36 bytes), then page count, object count, object field size (12)
/// and two reserved u32, then the file's object list: entries of (type, offset, size) u32.
/// The *page index header* object (type 1) holds the page count, its own object list and
/// in it the *page index array* (type 2): per page a 16-byte GUID, the page's data type
/// (0 image, 1 line, 2 xy, …), source, object count, minor version and that many objects,
/// among them the *page header* (type 3), the *page data* (type 4) and the header's own
/// objects, such as the *string data* (type 10: count × (u16 length, UTF-16 text), the
/// label, dates, and at 7–9 the x, y and z units).
///
/// An image page: `x_size`·`y_size` int32 samples, value = raw·`z_scale` + `z_offset` in
/// the z unit; pixel size |`x_scale`|, |`y_scale`| in the x and y units. Each line is
/// stored right to left: Gwyddion mirrors every SM4 image horizontally, and so does this
/// reader (a rule from that reader, not checked on a real SM4 image here: the shared file
/// holds spectra only). Line (spectrum) pages are not images and are not read.
public enum RHKSM4 {
    static let format = ImageFormat.sm4

    /// `STiMage 005.` in UTF-16LE, at offset 2.
    static let signature: [UInt8] = Array("STiMage 005.".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })

    static func hasSignature<C: Collection>(_ head: C) -> Bool where C.Element == UInt8 {
        let h = Array(head.prefix(2 + signature.count))
        return h.count == 2 + signature.count && h[2...].elementsEqual(signature)
    }

    struct Object { var type: Int; var offset: Int; var size: Int }

    static let dataTypeNames = [0: "image", 1: "line", 2: "xy data", 3: "annotated line", 4: "text",
                                5: "annotated text", 6: "sequential", 7: "movie"]

    /// Parses an `.sm4` file.
    ///
    /// - Returns: one channel per image page, named by the page label and scan direction
    ///   (`Topography (right)`, `Current (left)`; RHK scans right, left, up, down).
    ///   Pixel size in nm, values in the z unit converted to SI base units (`m`, `A`).
    ///   Metadata per channel: `NAME.bias` (V), `NAME.current` (A), `NAME.date`,
    ///   `NAME.angle`, and `pages` listing every page's data type.
    /// - Throws: `.badMagic` without the signature; `.truncated` when an object lies past
    ///   the end; `.corrupt` for object lists, counts or data sizes that do not fit;
    ///   `.unsupported` when the file has **no image page** (e.g. only I(V) spectra; the
    ///   message lists what the pages hold) or an image over `maxPixels`.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        guard hasSignature(bytes) else {
            throw FormatError.badMagic(format: format, "no STiMage 005 signature at offset 2")
        }
        var c = ByteCursor(bytes, format: format, bigEndian: false, position: 38)
        _ = try c.u32("page count")
        let objectCount = try c.u32("object count")
        _ = try c.u32("object field size")
        try c.skip(8, "reserved words")
        let fileObjects = try objects(&c, count: objectCount, in: "file header")
        guard let pih = fileObjects.first(where: { $0.type == 1 }) else {
            throw FormatError.corrupt(format: format, "no page index header object")
        }
        c.position = pih.offset
        let pageCount = try c.u32("page count of the page index header")
        let pihObjectCount = try c.u32("object count of the page index header")
        try c.skip(8, "reserved words")
        let pihObjects = try objects(&c, count: pihObjectCount, in: "page index header")
        guard let array = pihObjects.first(where: { $0.type == 2 }) else {
            throw FormatError.corrupt(format: format, "no page index array object")
        }
        // Each page index takes at least 32 bytes: more pages than that cannot be real.
        guard pageCount <= (bytes.count - min(array.offset, bytes.count)) / 32 else {
            throw FormatError.corrupt(format: format, "\(pageCount) pages cannot fit in the file")
        }

        var channels: [ImageChannel] = []
        var metadata: [String: String] = [:]
        var pageKinds: [String] = []
        var decoded = 0
        var p = array.offset
        for page in 0..<pageCount {
            c.position = p + 16
            let dataType = try c.u32("data type of page \(page)")
            _ = try c.u32("source of page \(page)")
            let n = try c.u32("object count of page \(page)")
            _ = try c.u32("minor version of page \(page)")
            let pageObjects = try objects(&c, count: n, in: "page \(page)")
            p = c.position
            guard let headerObject = pageObjects.first(where: { $0.type == 3 }) else {
                throw FormatError.corrupt(format: format, "page \(page) has no page header")
            }
            let header = try pageHeader(bytes, headerObject, page: page)
            let kind = dataTypeNames[dataType] ?? "type \(dataType)"
            pageKinds.append(kind + (header.pageType.map { " (\($0))" } ?? ""))
            guard dataType == 0 else { continue }
            guard let dataObject = pageObjects.first(where: { $0.type == 4 }) else {
                throw FormatError.corrupt(format: format, "image page \(page) has no page data")
            }
            let (w, h) = (header.xSize, header.ySize)
            guard w > 0, h > 0 else {
                throw FormatError.corrupt(format: format, "image page \(page) is \(w)×\(h)")
            }
            let (count, ovf) = w.multipliedReportingOverflow(by: h)
            guard !ovf, count <= options.maxPixels else {
                throw FormatError.unsupported(format: format, "page \(page): \(w)×\(h) pixels is more than \(options.maxPixels); refused to protect memory")
            }
            try SampleDecoding.spend(count, from: &decoded, options: options, format: format)
            guard dataObject.size == 4 * count else {
                throw FormatError.corrupt(format: format, "image page \(page): data holds \(dataObject.size) bytes, \(w)×\(h) int32 need \(4 * count)")
            }
            guard var px = SampleDecoding.decode(data, offset: dataObject.offset, count: count, type: .i32le) else {
                throw FormatError.truncated(format: format, "image page \(page): data runs past the end of the file")
            }
            let (zf, zUnit) = Calibration.siBase(header.strings[9] ?? "")
            let scale = header.zScale * zf, offset = header.zOffset * zf
            for i in px.indices { px[i] = Float(Double(px[i]) * scale + offset) }
            for r in 0..<h { px[(r * w)..<(r * w + w)].reverse() }
            let pixelSize = Calibration.nanometres(x: abs(header.xScale), unitX: header.strings[7] ?? "",
                                                   y: abs(header.yScale), unitY: header.strings[8] ?? "")
            let label = (header.strings[0] ?? "").isEmpty ? "page \(page)" : header.strings[0]!
            let directions = ["right", "left", "up", "down"]
            var name = header.scanDirection < 4 ? "\(label) (\(directions[header.scanDirection]))" : label
            if channels.contains(where: { $0.name == name }) { name += " #\(page)" }
            let image = try Image(width: w, height: h, pixels: px, pixelSize: pixelSize,
                                  unit: pixelSize == nil ? .none : .nanometre,
                                  valueUnit: zUnit.isEmpty ? nil : zUnit, maxPixels: options.maxPixels)
            channels.append(ImageChannel(name: name, image: image))
            metadata["\(name).bias"] = "\(header.bias) V"
            metadata["\(name).current"] = "\(header.current) A"
            metadata["\(name).angle"] = "\(header.angle)"
            if let d = header.strings[5] { metadata["\(name).date"] = d + (header.strings[6].map { " " + $0 } ?? "") }
        }
        guard !channels.isEmpty else {
            var counts: [String: Int] = [:]
            for k in pageKinds { counts[k, default: 0] += 1 }
            let list = counts.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
            throw FormatError.unsupported(format: format, "the file holds no image page (\(pageCount) pages: \(list))")
        }
        metadata["pages"] = pageKinds.joined(separator: "; ")
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    static func objects(_ c: inout ByteCursor, count: Int, in what: String) throws -> [Object] {
        guard count <= c.remaining / 12 else {
            throw FormatError.corrupt(format: format, "object list of \(what) claims \(count) objects, more than the file holds")
        }
        var list: [Object] = []
        for _ in 0..<count {
            let o = Object(type: try c.u32("object type in \(what)"), offset: try c.u32("object offset in \(what)"),
                           size: try c.u32("object size in \(what)"))
            guard o.offset <= c.count, o.size <= c.count - o.offset else {
                throw FormatError.truncated(format: format, "object of type \(o.type) in \(what) (offset \(o.offset), \(o.size) bytes) lies past the end of the file (\(c.count) bytes)")
            }
            list.append(o)
        }
        return list
    }

    struct PageHeader {
        var pageType: String?
        var xSize = 0, ySize = 0, scanDirection = 0
        var xScale = 1.0, yScale = 1.0, zScale = 1.0, zOffset = 0.0
        var bias = 0.0, current = 0.0, angle = 0.0
        var strings: [Int: String] = [:]
    }

    static let pageTypes = [1: "topographic", 2: "current", 3: "aux", 4: "force", 5: "signal", 6: "FFT",
                            10: "IV spectra", 16: "interactive spectra", 18: "IZ spectra", 28: "CITS"]

    static func pageHeader(_ bytes: [UInt8], _ o: Object, page: Int) throws -> PageHeader {
        guard o.size >= 180 else {
            throw FormatError.corrupt(format: format, "page header of page \(page) is \(o.size) bytes, at least 180 expected")
        }
        var c = ByteCursor(bytes, format: format, bigEndian: false, position: o.offset)
        var h = PageHeader()
        _ = try c.u16("field size")
        let stringCount = try c.u16("string count")
        let pageType = try c.u32("page type")
        h.pageType = pageTypes[pageType]
        try c.skip(16, "sub source, line type, x and y coordinates")
        h.xSize = try c.u32("x size")
        h.ySize = try c.u32("y size")
        _ = try c.u32("image type")
        h.scanDirection = try c.u32("scan direction")
        try c.skip(16, "group, data size, z range")
        h.xScale = try c.f32("x scale")
        h.yScale = try c.f32("y scale")
        h.zScale = try c.f32("z scale")
        _ = try c.f32("xy scale")
        try c.skip(8, "x and y offsets")
        h.zOffset = try c.f32("z offset")
        _ = try c.f32("period")
        h.bias = try c.f32("bias")
        h.current = try c.f32("current")
        h.angle = try c.f32("angle")
        try c.skip(12, "colour info count and grid size")
        let objectCount = try c.u32("object count of the page header")
        try c.skip(64, "reserved words")
        for v in [h.xScale, h.yScale, h.zScale, h.zOffset] where !v.isFinite {
            throw FormatError.corrupt(format: format, "page \(page) has a non-finite scale or offset")
        }
        let headerObjects = try objects(&c, count: objectCount, in: "page header \(page)")
        if let s = headerObjects.first(where: { $0.type == 10 }) {
            // Strings: count × (u16 length, UTF-16 text), bounded by the object.
            var sc = ByteCursor(Array(bytes[s.offset..<(s.offset + s.size)]), format: format, bigEndian: false)
            for i in 0..<min(stringCount, 32) {
                guard let length = try? sc.u16("string length"), let raw = try? sc.take(2 * length, "string") else { break }
                var units: [UInt16] = []
                var k = raw.startIndex
                while k + 1 < raw.endIndex { units.append(UInt16(raw[k]) | UInt16(raw[k + 1]) << 8); k += 2 }
                let text = ByteCursor.utf16Text(units)
                if !text.isEmpty { h.strings[i] = text }
            }
        }
        return h
    }
}
