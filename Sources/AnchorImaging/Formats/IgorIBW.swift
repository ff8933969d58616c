import Foundation
import AnchorGeometry

/// Reader for Igor Pro binary waves, version 5 (`.ibw`), as Asylum Research AFMs write their
/// images (and other software exports them).
///
/// Layout (WaveMetrics Technical Note PTN003, checked against Asylum and MATRIX-exported
/// files): a 64-byte `BinHeader5` (version 5, checksum, the sizes of the wave, formula,
/// note, extended units and dimension labels), a 320-byte `WaveHeader5` (point count, data
/// type, name, `nDim[4]`, `sfA[4]` = spacing per point, `sfB[4]` = offset, data unit,
/// dimension units), then the samples with the first dimension fastest; after them the
/// formula, the note, extended units and dimension labels (32 bytes per label, the
/// dimension's own label first). The file's byte order is the one in which the version
/// reads 5; the 16-bit sum of the 384 header bytes is 0.
///
/// Image layout: dimension 0 runs along x (points per line), dimension 1 along y (lines),
/// dimension 2 holds layers (Asylum's channels, named by the dimension labels). Igor stores
/// the bottom line first (Gwyddion flips Igor images too); the reader flips so that row 0
/// is the top.
public enum IgorIBW {
    static let format = ImageFormat.ibw

    /// `true` when `head` (at least 384 bytes) starts like an Igor v5 binary wave: version
    /// 5 in either byte order and a zero header checksum.
    static func looksLikeWave<C: Collection>(_ head: C) -> Bool where C.Element == UInt8 {
        let h = Array(head.prefix(384))
        guard h.count == 384 else { return false }
        let little: Bool
        if h[0] == 5, h[1] == 0 { little = true } else if h[0] == 0, h[1] == 5 { little = false } else { return false }
        return checksum(h, little: little) == 0
    }

    static func checksum(_ h: [UInt8], little: Bool) -> UInt16 {
        var sum: UInt16 = 0
        for i in stride(from: 0, to: 384, by: 2) {
            let v = little ? UInt16(h[i]) | UInt16(h[i + 1]) << 8 : UInt16(h[i]) << 8 | UInt16(h[i + 1])
            sum = sum &+ v
        }
        return sum
    }

    /// Parses a version-5 `.ibw` file.
    ///
    /// - Returns: one channel for a 2-D wave (named after the wave), one per layer for a
    ///   3-D wave (named by the layer labels; Asylum's `HeightRetrace` becomes
    ///   `Height (retrace)`). Pixel size `sfA[0]`, `sfA[1]` in the dimension units, in nm.
    ///   Values as stored in the wave's data unit (`valueUnit`); Asylum phase layers in
    ///   degrees. Metadata: `wave_name`, the note's `key: value` lines (e.g. `ScanSize`,
    ///   `ImagingMode`), and `note` for notes without such lines.
    /// - Throws: `.badMagic` when the version is not 5 in either byte order (versions 1–3
    ///   are named as unsupported), `.corrupt` for a checksum mismatch, inconsistent point
    ///   counts or sizes, `.truncated` when a section runs past the end, `.unsupported` for
    ///   text, complex, 1-D and 4-D waves or sizes over `maxPixels`.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        guard bytes.count >= 2 else { throw FormatError.truncated(format: format, "\(bytes.count) bytes, no header") }
        let little: Bool
        if bytes[0] == 5, bytes[1] == 0 { little = true } else if bytes[0] == 0, bytes[1] == 5 { little = false } else {
            let v = Int(bytes[0]) | Int(bytes[1]) << 8, vb = Int(bytes[0]) << 8 | Int(bytes[1])
            if [1, 2, 3].contains(v) || [1, 2, 3].contains(vb) {
                throw FormatError.unsupported(format: format, "Igor binary wave version \(min(v, vb)) (only version 5 is read)")
            }
            throw FormatError.badMagic(format: format, "version word is \(v), expected 5")
        }
        guard bytes.count >= 384 else {
            throw FormatError.truncated(format: format, "\(bytes.count) bytes, the headers need 384")
        }
        guard checksum(bytes, little: little) == 0 else {
            throw FormatError.corrupt(format: format, "header checksum does not match")
        }
        var c = ByteCursor(bytes, format: format, bigEndian: !little, position: 4)
        let wfmSize = try c.i32("wfmSize")
        let formulaSize = try c.i32("formulaSize")
        let noteSize = try c.i32("noteSize")
        let dataEUnitsSize = try c.i32("dataEUnitsSize")
        var dimEUnitsSize: [Int] = []
        for _ in 0..<4 { dimEUnitsSize.append(try c.i32("dimEUnitsSize")) }
        var dimLabelsSize: [Int] = []
        for _ in 0..<4 { dimLabelsSize.append(try c.i32("dimLabelsSize")) }
        let sizes = [wfmSize, formulaSize, noteSize, dataEUnitsSize] + dimEUnitsSize + dimLabelsSize
        guard sizes.allSatisfy({ $0 >= 0 && $0 <= bytes.count }), wfmSize >= 320 else {
            throw FormatError.corrupt(format: format, "section sizes \(sizes) are negative or larger than the file")
        }

        // WaveHeader5 at 64.
        let w = 64
        c.position = w + 12
        let npnts = try c.i32("npnts")
        let type = try c.i16("data type")
        let name = ByteCursor.text(bytes[(w + 28)..<(w + 60)])
        c.position = w + 68
        var nDim: [Int] = []
        for _ in 0..<4 { nDim.append(try c.i32("nDim")) }
        var sfA: [Double] = []
        for _ in 0..<4 { sfA.append(try c.f64("sfA")) }
        let dataUnits0 = ByteCursor.text(bytes[(w + 148)..<(w + 152)])
        let dimUnits0 = (0..<4).map { ByteCursor.text(bytes[(w + 152 + 4 * $0)..<(w + 156 + 4 * $0)]) }

        guard nDim.allSatisfy({ $0 >= 0 }) else {
            throw FormatError.corrupt(format: format, "negative dimension sizes \(nDim)")
        }
        let dims = nDim.prefix { $0 > 0 }
        guard dims.count == 2 || dims.count == 3 else {
            throw FormatError.unsupported(format: format, "a \(dims.count)-D wave (\(nDim.map(String.init).joined(separator: "×"))); images are 2-D or 3-D layers")
        }
        if type == 0 { throw FormatError.unsupported(format: format, "a text wave holds no image") }
        if type & 1 != 0 { throw FormatError.unsupported(format: format, "complex data (type \(type))") }
        let sampleType: (RawSampleType?, Int)
        switch type {
        case 2: sampleType = (little ? .f32le : .f32be, 4)
        case 4: sampleType = (little ? .f64le : .f64be, 8)
        case 8: sampleType = (nil, 1)   // int8
        case 0x10: sampleType = (little ? .i16le : .i16be, 2)
        case 0x20: sampleType = (little ? .i32le : .i32be, 4)
        case 0x48: sampleType = (.u8, 1)
        case 0x50: sampleType = (little ? .u16le : .u16be, 2)
        case 0x60: sampleType = (little ? .u32le : .u32be, 4)
        default: throw FormatError.unsupported(format: format, "data type 0x\(String(type, radix: 16))")
        }
        let (width, height) = (dims[0], dims[1])
        let layers = dims.count == 3 ? dims[2] : 1
        guard layers <= 1024 else {
            throw FormatError.unsupported(format: format, "\(layers) layers (at most 1024 are read)")
        }
        let (plane, o1) = width.multipliedReportingOverflow(by: height)
        let (total, o2) = plane.multipliedReportingOverflow(by: layers)
        guard !o1, !o2, total == npnts else {
            throw FormatError.corrupt(format: format, "npnts \(npnts) is not the product of the dimensions \(Array(dims))")
        }
        guard total <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(width)×\(height)×\(layers) samples is more than the limit; refused to protect memory")
        }
        let dataStart = w + 320
        guard total * sampleType.1 <= wfmSize - 320 else {
            throw FormatError.corrupt(format: format, "wave data size \(wfmSize - 320) is smaller than \(total) samples")
        }
        try c.require(total * sampleType.1, at: dataStart, "wave data")

        // Sections after the wave: formula, note, extended units, dimension labels.
        var p = 64 + wfmSize
        func section(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
            try c.require(n, at: p, what)
            defer { p += n }
            return bytes[p..<(p + n)]
        }
        _ = try section(formulaSize, "formula")
        let note = String(decoding: try section(noteSize, "note"), as: UTF8.self)
        let dataEUnits = ByteCursor.text(try section(dataEUnitsSize, "extended data units"))
        var dimEUnits: [String] = []
        for k in 0..<4 { dimEUnits.append(ByteCursor.text(try section(dimEUnitsSize[k], "extended units of dimension \(k)"))) }
        var labels: [[String]] = []
        for k in 0..<4 {
            let raw = try section(dimLabelsSize[k], "labels of dimension \(k)")
            labels.append(stride(from: raw.startIndex, to: raw.endIndex, by: 32).map {
                ByteCursor.text(raw[$0..<min($0 + 32, raw.endIndex)])
            })
        }
        let dataUnit = dataEUnits.isEmpty ? dataUnits0 : dataEUnits
        let unitX = dimEUnits[0].isEmpty ? dimUnits0[0] : dimEUnits[0]
        let unitY = dimEUnits[1].isEmpty ? dimUnits0[1] : dimEUnits[1]
        let pixelSize = Calibration.nanometres(x: sfA[0], unitX: unitX, y: sfA[1], unitY: unitY)

        var channels: [ImageChannel] = []
        for k in 0..<layers {
            let offset = dataStart + k * plane * sampleType.1
            var px: [Float]
            if let raw = sampleType.0 {
                guard let d = SampleDecoding.decode(data, offset: offset, count: plane, type: raw) else {
                    throw FormatError.truncated(format: format, "layer \(k) runs past the end of the file")
                }
                px = d
            } else {
                px = bytes[offset..<(offset + plane)].map { Float(Int8(bitPattern: $0)) }
            }
            NanonisSXM.flipVertically(&px, width: width, height: height)
            var label = layers > 1 ? (k + 1 < labels[2].count ? labels[2][k + 1] : "") : name
            if label.isEmpty { label = layers > 1 ? "layer \(k)" : "wave" }
            let channelName = directionNamed(label)
            var unit: String? = dataUnit.isEmpty ? nil : dataUnit
            if layers > 1, label.hasPrefix("Phase") { unit = "deg" }
            var unique = channelName
            if channels.contains(where: { $0.name == unique }) { unique += " #\(k)" }
            let image = try Image(width: width, height: height, pixels: px, pixelSize: pixelSize,
                                  unit: pixelSize == nil ? .none : .nanometre, valueUnit: unit, maxPixels: options.maxPixels)
            channels.append(ImageChannel(name: unique, image: image))
        }

        var metadata: [String: String] = ["wave_name": name]
        var noteKeys = 0
        for line in note.split(whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) where noteKeys < 4000 {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.count <= 64 else { continue }
            metadata[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            noteKeys += 1
        }
        if noteKeys == 0, !note.isEmpty { metadata["note"] = String(note.prefix(4096)) }
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    /// `HeightRetrace` → `Height (retrace)`, `AmplitudeTrace` → `Amplitude (trace)`.
    static func directionNamed(_ label: String) -> String {
        for (suffix, word) in [("Retrace", "retrace"), ("Trace", "trace")] where label.hasSuffix(suffix) && label.count > suffix.count {
            return String(label.dropLast(suffix.count)) + " (\(word))"
        }
        return label
    }
}
