import Foundation
import AnchorGeometry

/// Reader for Bruker (Veeco, Digital Instruments) NanoScope files: `.spm`, `.000`–`.999`.
///
/// Layout (Gwyddion `nanoscope.c`, checked against a NanoScope 5.31 file): a text header of
/// `\Key: value` lines, grouped into sections opened by `\*Section name` lines and closed by
/// `\*File list end`; `\Data length` of the first section is the header's length. Each
/// `\*Ciao image list` section describes one image: `Data offset` and `Data length` (bytes
/// from the start of the file), `Bytes/pixel` (2 or 4; little-endian signed integers),
/// `Samps/line` and `Number of lines` (falling back to `Samps/line` and `Lines` of the
/// `\*Ciao scan list` as old files need), `Scan size`, `Line direction`, and the channel
/// (`\@2:Image Data: S [Height] "Height"`).
///
/// Calibration rules:
/// - **Scan size** `X Y unit` (`~m` is µm); a single number (old files) with the scan list's
///   `Aspect ratio: a:b` gives Y = X·b/a, without one Y = X. When `Data length` is not
///   `Bytes/pixel`·xres·yres, the scan list's sizes are used with square pixels kept (the
///   image list's sizes are bogus in some 5.3 files, Gwyddion notes).
/// - **Z scale chain**: `\@2:Z scale: V [Sens. Zscan] (0.0067 V/LSB) 439.98 V` names a
///   soft scale (`\@Sens. Zscan: V 15.07 nm/V`, looked up in the image, scanner and scan
///   lists). A sample is `raw / 2^(8·Bytes/pixel) · 439.98 V · 15.07 nm/V`, converted to
///   the SI base unit (metres). Without the soft scale the values are volts; a soft scale
///   without a unit gives volts (degrees for `Sens. Phase`), as Gwyddion does. A file
///   with no `Z scale` at all keeps the raw integers (`valueUnit` nil).
/// - **Orientation**: NanoScope stores the bottom line first (Gwyddion flips every image
///   vertically); the reader flips so that row 0 is the top. Retrace images are not
///   mirrored, as in Gwyddion (no retrace file was available to check).
public enum BrukerNanoScope {
    static let format = ImageFormat.nanoscope

    /// First bytes of the files this reader handles (binary data, text header).
    static let magic = Array("\\*File list".utf8)
    static let forceMagic = Array("\\*Force file list".utf8)
    static let asciiMagic = Array("?*File list".utf8)

    struct Value {
        var raw: String
        /// The number after the parenthesis / soft-scale parts (e.g. 439.9866 in
        /// `V [Sens. Zscan] (0.0067 V/LSB) 439.9866 V`), when there is one.
        var hardValue: Double?
        var hardUnit: String
        /// The name in square brackets (`Sens. Zscan`), if any.
        var softScale: String?
        /// The scale in parentheses (`0.0067` of `(0.0067 V/LSB)`), if any.
        var hardScale: Double?
        /// The text in double quotes, if any (`"Height"`).
        var quoted: String?
    }

    struct Section {
        var name: String
        var entries: [(key: String, value: String)] = []
        func value(_ key: String) -> String? { entries.first { $0.key == key }?.value }
    }

    /// Parses a NanoScope file.
    ///
    /// - Returns: one channel per image section, named "CHANNEL (trace)" / "(retrace)"
    ///   (e.g. "Height (trace)"), in file order. Lateral calibration in nanometres; values
    ///   in SI base units (`valueUnit` "m" for height). Metadata: the plain keys of the
    ///   file, equipment and scan lists verbatim (`Version`, `Date`, `Scan rate`,
    ///   `Operating mode`, …), and per channel `CHANNEL.z_scale` (SI units per LSB).
    /// - Throws: `.badMagic` when the file does not start with `\*File list`,
    ///   `.unsupported` for force-curve files, text-data files, other sample sizes than
    ///   2 or 4 bytes and images over `maxPixels`; `.corrupt` for missing or malformed
    ///   sizes, offsets or scan sizes; `.truncated` when an image runs past the file's end.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        if bytes.starts(with: forceMagic) {
            throw FormatError.unsupported(format: format, "this is a force-curve file (\\*Force file list), not an image")
        }
        if bytes.starts(with: asciiMagic) {
            throw FormatError.unsupported(format: format, "data stored as text (?*File list) is not read; save as binary")
        }
        guard bytes.starts(with: magic) else {
            throw FormatError.badMagic(format: format, "does not start with \\*File list")
        }
        let sections = try parseHeader(bytes)
        let scannerList = sections.first { $0.name == "Scanner list" || $0.name == "Microscope list" }
        let scanList = sections.first { ["Ciao scan list", "Afm list", "NC Afm list"].contains($0.name) }
        let images = sections.filter { ["Ciao image list", "AFM image list", "NCAFM image list"].contains($0.name) }
        guard !images.isEmpty else {
            throw FormatError.corrupt(format: format, "the header describes no image (no \\*Ciao image list section)")
        }

        var channels: [ImageChannel] = []
        var metadata: [String: String] = [:]
        for s in sections where ["File list", "Equipment list", "Scanner list", "Ciao scan list"].contains(s.name) {
            for (k, v) in s.entries where !k.hasPrefix("@") { metadata[k] = v }
        }
        var decoded = 0
        for (index, section) in images.enumerated() {
            let (channel, zScale) = try readImage(section, index: index, data: data, bytes: bytes, scannerList: scannerList,
                                                  scanList: scanList, sections: sections, options: options)
            try SampleDecoding.spend(channel.image.count, from: &decoded, options: options, format: format)
            var name = channel.name
            if channels.contains(where: { $0.name == name }) { name += " #\(index)" }
            channels.append(ImageChannel(name: name, image: channel.image))
            metadata[name + ".z_scale"] = zScale
        }
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    // MARK: - One image

    static func readImage(_ s: Section, index: Int, data: Data, bytes: [UInt8], scannerList: Section?, scanList: Section?,
                          sections: [Section], options: ImageReadOptions) throws -> (ImageChannel, String) {
        let label = "image \(index + 1)"
        func integer(_ key: String, _ sec: Section?) throws -> Int? {
            guard let text = sec?.value(key) else { return nil }
            guard let v = Double(text.split(separator: " ").first ?? ""), v.isFinite, v >= 0, v < 1e15 else {
                throw FormatError.corrupt(format: format, "\(label): \(key) \"\(text)\" is not a non-negative number")
            }
            return Int(v.rounded())
        }
        var xres = try integer("Samps/line", s) ?? integer("Samps/line", scanList) ?? 0
        var yres = try integer("Number of lines", s) ?? integer("Lines", scanList) ?? 0
        guard xres > 0, yres > 0 else {
            throw FormatError.corrupt(format: format, "\(label): no positive Samps/line and Number of lines")
        }
        let bpp = try integer("Bytes/pixel", s) ?? 2
        guard bpp == 2 || bpp == 4 else {
            throw FormatError.unsupported(format: format, "\(label): \(bpp) bytes per pixel (2 and 4 are read)")
        }
        guard let offset = try integer("Data offset", s), let length = try integer("Data length", s) else {
            throw FormatError.corrupt(format: format, "\(label): Data offset or Data length missing")
        }
        guard var (xreal, yreal, unit) = try scanSize(s.value("Scan size") ?? scanList?.value("Scan size"),
                                                       aspect: scanList?.value("Aspect ratio"), label: label) else {
            throw FormatError.corrupt(format: format, "\(label): no Scan size")
        }
        func pixels(_ x: Int, _ y: Int) -> Int? {
            let (n, o1) = x.multipliedReportingOverflow(by: y)
            let (b, o2) = n.multipliedReportingOverflow(by: bpp)
            return o1 || o2 ? nil : b
        }
        if pixels(xres, yres) != length {
            // Gwyddion's rule: the scan list's sizes, keeping square pixels.
            let gx = try integer("Samps/line", scanList) ?? xres
            let gy = try integer("Lines", scanList) ?? yres
            if gx > 0, gy > 0, pixels(gx, gy) == length {
                xreal *= Double(gx) / Double(xres)
                yreal *= Double(gy) / Double(yres)
                xres = gx
                yres = gy
            } else {
                throw FormatError.corrupt(
                    format: format,
                    "\(label): Data length \(length) is not \(bpp) bytes × \(xres) × \(yres) samples")
            }
        }
        let (count, ovf) = xres.multipliedReportingOverflow(by: yres)
        guard !ovf, count <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(label): \(xres)×\(yres) pixels is more than \(options.maxPixels); refused to protect memory")
        }
        guard offset <= bytes.count, length <= bytes.count - offset else {
            throw FormatError.truncated(
                format: format, "\(label): data at offset \(offset) (\(length) bytes) runs past the end of the file (\(bytes.count) bytes)")
        }
        guard var px = SampleDecoding.decode(data, offset: offset, count: count, type: bpp == 2 ? .i16le : .i32le) else {
            throw FormatError.truncated(format: format, "\(label): data runs past the end of the file")
        }
        // Z scale chain.
        var valueUnit: String? = nil
        var zText = "none"
        if let (q, u) = try zScale(s, bpp: bpp, scannerList: scannerList, scanList: scanList, sections: sections, label: label) {
            let f = Float(q)
            for i in px.indices { px[i] *= f }
            valueUnit = u
            zText = "\(q) \(u)"
        }
        NanonisSXM.flipVertically(&px, width: xres, height: yres)
        let pixelSize = Calibration.nanometres(x: xreal / Double(xres), y: yreal / Double(yres), unit: unit)
        let image = try Image(width: xres, height: yres, pixels: px, pixelSize: pixelSize,
                              unit: pixelSize == nil ? .none : .nanometre, valueUnit: valueUnit, maxPixels: options.maxPixels)
        let channelName = parseValue(s.value("@2:Image Data") ?? s.value("Image Data") ?? "").quoted
            ?? s.value("Image Data") ?? "Image \(index + 1)"
        let direction = s.value("Line direction")?.lowercased()
        let name = direction.map { "\(channelName) (\($0))" } ?? channelName
        return (ImageChannel(name: name, image: image), zText)
    }

    /// `Scan size` → (x, y, unit). "15 15 ~m", or "15000 nm" with the aspect ratio.
    static func scanSize(_ text: String?, aspect: String?, label: String) throws -> (Double, Double, String)? {
        guard let text else { return nil }
        let parts = text.split(separator: " ").map(String.init)
        var numbers: [Double] = []
        var unit = ""
        for p in parts {
            if unit.isEmpty, let v = Double(p) { numbers.append(v) } else { unit = p; break }
        }
        guard let x = numbers.first, x.isFinite, x > 0, numbers.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw FormatError.corrupt(format: format, "\(label): Scan size \"\(text)\" is not a positive size")
        }
        var y = numbers.count >= 2 ? numbers[1] : x
        if numbers.count == 1, let aspect {
            let ab = aspect.split(separator: ":").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if ab.count == 2, ab[0] > 0, ab[1] > 0, ab.allSatisfy(\.isFinite) { y = x * ab[1] / ab[0] }
        }
        if unit == "~m" { unit = "µm" }
        return (x, y, unit)
    }

    /// SI units per LSB and the SI unit, from the Z scale and its soft scale.
    static func zScale(_ s: Section, bpp: Int, scannerList: Section?, scanList: Section?, sections: [Section],
                       label: String) throws -> (Double, String)? {
        guard let zText = s.value("@2:Z scale") ?? s.value("@3:Z scale") ?? s.value("@Z scale") ?? s.value("Z scale") else {
            return nil
        }
        let z = parseValue(zText)
        let full = pow(2.0, Double(8 * bpp))
        guard let hard = z.hardValue ?? z.hardScale.map({ $0 * 65536 }), hard.isFinite else {
            throw FormatError.corrupt(format: format, "\(label): Z scale \"\(zText)\" has no value")
        }
        var q = hard / full
        var unit = z.hardUnit.isEmpty ? "V" : z.hardUnit
        if let soft = z.softScale {
            let key = "@" + soft
            let found = s.value(key) ?? scannerList?.value(key) ?? scanList?.value(key)
                ?? sections.lazy.compactMap { $0.value(key) }.first
            if let found {
                let sv = parseValue(found)
                guard let sens = sv.hardValue, sens.isFinite else {
                    throw FormatError.corrupt(format: format, "\(label): \(soft) \"\(found)\" has no value")
                }
                q *= sens
                if sv.hardUnit.isEmpty {
                    unit = soft == "Sens. Phase" ? "deg" : "V"
                } else {
                    // "nm/V" times volts: the numerator.
                    unit = String(sv.hardUnit.split(separator: "/").first ?? "")
                }
            }
        }
        let (f, base) = Calibration.siBase(unit)
        q *= f
        guard q.isFinite else {
            throw FormatError.corrupt(format: format, "\(label): Z scale \"\(zText)\" is not finite")
        }
        return (q, base)
    }

    /// Parses `V [soft] (hardscale unit/LSB) hardvalue unit`, `S [x] "text"`, `V 15.07 nm/V`.
    static func parseValue(_ text: String) -> Value {
        var v = Value(raw: text, hardValue: nil, hardUnit: "", softScale: nil, hardScale: nil, quoted: nil)
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let q1 = rest.firstIndex(of: "\""), let q2 = rest[rest.index(after: q1)...].firstIndex(of: "\"") {
            v.quoted = String(rest[rest.index(after: q1)..<q2])
            return v
        }
        // A leading type letter (V, C, S) followed by a space.
        if rest.count >= 2, rest.first!.isLetter, rest[rest.index(after: rest.startIndex)] == " " {
            rest = rest.dropFirst(2)
        }
        if let b1 = rest.firstIndex(of: "["), let b2 = rest[b1...].firstIndex(of: "]") {
            v.softScale = String(rest[rest.index(after: b1)..<b2])
            rest = rest[rest.index(after: b2)...]
        }
        if let p1 = rest.firstIndex(of: "("), let p2 = rest[p1...].firstIndex(of: ")") {
            let inside = rest[rest.index(after: p1)..<p2].split(separator: " ")
            v.hardScale = inside.first.flatMap { Double($0) }
            rest = rest[rest.index(after: p2)...]
        }
        let parts = rest.split(separator: " ")
        if let first = parts.first, let d = Double(first) {
            v.hardValue = d
            v.hardUnit = parts.dropFirst().joined(separator: " ")
        }
        return v
    }

    /// The header's sections, in order, each with its `Key: value` entries.
    static func parseHeader(_ bytes: [UInt8]) throws -> [Section] {
        // The header is at most `\Data length` of the file list long; find its end line
        // without trusting that field beyond the file size.
        let endMark = Array("\\*File list end".utf8)
        let searchLimit = min(bytes.count, 1 << 22)
        var end = -1
        var i = 0
        while i + endMark.count <= searchLimit {
            if bytes[i] == 0x5C, bytes[i + 1] == 0x2A, bytes[i..<(i + endMark.count)].elementsEqual(endMark) { end = i; break }
            i += 1
        }
        guard end >= 0 else {
            throw FormatError.truncated(format: format, "header has no \\*File list end line")
        }
        // Latin-1: NanoScope writes the degree sign as 0xBA.
        let text = String(bytes: bytes[0..<end], encoding: .isoLatin1) ?? ""
        var sections: [Section] = []
        for raw in text.split(whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(raw)
            guard line.first == "\\" else { continue }
            line = line.dropFirst()
            if line.first == "*" {
                sections.append(Section(name: String(line.dropFirst()).trimmingCharacters(in: .whitespaces)))
                continue
            }
            guard !sections.isEmpty else { continue }
            if let r = line.range(of: ": ") {
                sections[sections.count - 1].entries.append(
                    (String(line[..<r.lowerBound]), String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)))
            } else if line.hasSuffix(":") {
                sections[sections.count - 1].entries.append((String(line.dropLast()), ""))
            }
        }
        return sections
    }
}
