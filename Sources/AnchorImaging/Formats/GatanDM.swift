import Foundation
import AnchorGeometry

/// Reader for Gatan DigitalMicrograph `.dm3` and `.dm4` images (TEM/STEM).
///
/// The tag tree (`DMTagParser`) holds the images under `ImageList`; each entry has
/// `ImageData` with `Data` (the samples, x fastest), `DataType`, `Dimensions` (sizes, x
/// first) and `Calibrations`: `Dimension` (per axis `Origin`, `Scale`, `Units`) and
/// `Brightness` (the same for the values). Entry names come from the entry's `Name`.
///
/// Which entries become channels: the 2-D images of a real-valued type. DigitalMicrograph
/// stores a thumbnail as the first entry, an RGB image (DataType 23); RGB and complex
/// entries are left out. 1-D spectra and 3-D stacks are refused with an error naming the
/// dimensions when the file holds no 2-D image.
///
/// Calibration: the pixel size is `Scale` of dimensions 0 (x) and 1 (y) in their `Units`
/// (nm, µm, Å — written "A" too —, each axis its own), reported in nanometres; reciprocal or unknown units (`1/nm` of a
/// diffraction pattern) leave the image uncalibrated and are kept in the metadata. Values:
/// `(raw − Origin)·Scale` of `Brightness` with its unit when it has one, else raw.
public enum GatanDM {
    /// Parses a DM3 or DM4 file (the version word decides).
    ///
    /// - Returns: one channel per 2-D image, with metadata `NAME.units_x`, `NAME.units_y`,
    ///   `NAME.scale_x`, `NAME.scale_y` as the file gives them, and `data_type`.
    /// - Throws: `.badMagic` when the version is neither 3 nor 4, `.truncated` when a tag or
    ///   the image data runs past the end, `.corrupt` for inconsistent sizes (data count ≠
    ///   product of dimensions, absurd tag counts), `.unsupported` for files without a 2-D
    ///   real image or over `maxPixels`.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        let bytes = [UInt8](data)
        let format: ImageFormat = bytes.count >= 4 && bytes[3] == 4 && bytes[0...2].allSatisfy({ $0 == 0 }) ? .dm4 : .dm3
        try SampleDecoding.requireSinglePage(options, format: format)
        let (root, little) = try DMTagParser.parse(bytes, format: format)
        guard let list = root[tag: "ImageList"] else {
            throw FormatError.corrupt(format: format, "no ImageList tag group")
        }
        var channels: [ImageChannel] = []
        var metadata: [String: String] = [:]
        var refused: [String] = []
        var decoded = 0
        for (index, entry) in list.children.enumerated() {
            let tags = entry.value.children
            guard let imageData = tags[tag: "ImageData"]?.children else { continue }
            let dataType = Int(imageData[tag: "DataType"]?.number ?? -1)
            let dims = (imageData[tag: "Dimensions"]?.children ?? []).compactMap { $0.value.number }.map { Int(exactly: $0.rounded()) ?? -1 }
            var name = tags[tag: "Name"].flatMap { text($0, bytes: bytes, little: little) } ?? ""
            if name.isEmpty { name = "image \(index)" }
            if dataType == 23 || dataType == 3 || dataType == 13 {
                refused.append("\(name): \(dataType == 23 ? "RGB" : "complex") (DataType \(dataType))")
                continue
            }
            guard dims.count == 2 else {
                refused.append("\(name): \(dims.count)-D (\(dims.map(String.init).joined(separator: "×")))")
                continue
            }
            let (w, h) = (dims[0], dims[1])
            guard w > 0, h > 0 else {
                throw FormatError.corrupt(format: format, "\(name): dimensions \(w)×\(h)")
            }
            let (n, ovf) = w.multipliedReportingOverflow(by: h)
            guard !ovf, n <= options.maxPixels else {
                throw FormatError.unsupported(
                    format: format, "\(name): \(w)×\(h) pixels is more than \(options.maxPixels); refused to protect memory")
            }
            guard case .array(let elementType, let count, let offset)? = imageData[tag: "Data"] else {
                throw FormatError.corrupt(format: format, "\(name): ImageData has no Data array")
            }
            guard count == n else {
                throw FormatError.corrupt(format: format, "\(name): Data holds \(count) samples, dimensions \(w)×\(h) need \(n)")
            }
            try SampleDecoding.spend(n, from: &decoded, options: options, format: format)
            var px = try samples(data, bytes, offset: offset, count: n, elementType: elementType, little: little, format: format, name: name)

            // Calibrations.
            let cal = tags[tag: "ImageData"]?.children[tag: "Calibrations"]?.children ?? []
            let axes = (cal[tag: "Dimension"]?.children ?? []).map { $0.value.children }
            func axis(_ i: Int) -> (scale: Double, units: String)? {
                guard i < axes.count, let s = axes[i][tag: "Scale"]?.number else { return nil }
                return (s, axes[i][tag: "Units"].flatMap { text($0, bytes: bytes, little: little) } ?? "")
            }
            var pixelSize: PixelSize? = nil
            if let ax = axis(0), let ay = axis(1) {
                metadata["\(name).scale_x"] = String(ax.scale)
                metadata["\(name).scale_y"] = String(ay.scale)
                metadata["\(name).units_x"] = ax.units
                metadata["\(name).units_y"] = ay.units
                pixelSize = Calibration.nanometres(x: ax.scale, unitX: ax.units, y: ay.scale, unitY: ay.units)
            }
            var valueUnit: String? = nil
            if let b = cal[tag: "Brightness"]?.children, let units = b[tag: "Units"].flatMap({ text($0, bytes: bytes, little: little) }),
               !units.isEmpty {
                let scale = b[tag: "Scale"]?.number ?? 1
                let origin = b[tag: "Origin"]?.number ?? 0
                if scale.isFinite, origin.isFinite, scale != 0 {
                    for i in px.indices { px[i] = Float((Double(px[i]) - origin) * scale) }
                    valueUnit = units
                }
            }
            metadata["\(name).data_type"] = String(dataType)
            var channelName = name
            if channels.contains(where: { $0.name == channelName }) { channelName += " #\(index)" }
            let image = try Image(width: w, height: h, pixels: px, pixelSize: pixelSize,
                                  unit: pixelSize == nil ? .none : .nanometre, valueUnit: valueUnit,
                                  maxPixels: options.maxPixels)
            channels.append(ImageChannel(name: channelName, image: image))
        }
        guard !channels.isEmpty else {
            let what = refused.isEmpty ? "ImageList has no image data" : "no 2-D real image; found " + refused.joined(separator: "; ")
            throw FormatError.unsupported(format: format, what)
        }
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    /// A tag's text: a string, or an array of 16-bit characters (how DM stores names and units).
    static func text(_ v: DMValue, bytes: [UInt8], little: Bool) -> String? {
        switch v {
        case .text(let s): return s
        case .array(let type, let count, let offset) where (type == 4 || type == 2) && count <= 4096:
            var units: [UInt16] = []
            for i in 0..<count {
                let p = offset + 2 * i
                guard p + 1 < bytes.count else { return nil }
                let a = UInt16(bytes[p]), b = UInt16(bytes[p + 1])
                units.append(little ? a | b << 8 : a << 8 | b)
            }
            return ByteCursor.utf16Text(units)
        case .array(let type, let count, let offset) where (type == 9 || type == 10) && count <= 4096:
            guard offset + count <= bytes.count else { return nil }
            return ByteCursor.text(bytes[offset..<(offset + count)])
        default: return nil
        }
    }

    /// `count` elements of the DM simple type `elementType` at `offset`, as Float.
    static func samples(_ data: Data, _ bytes: [UInt8], offset: Int, count: Int, elementType: Int, little: Bool,
                        format: ImageFormat, name: String) throws -> [Float] {
        let raw: RawSampleType?
        switch elementType {
        case 2: raw = little ? .i16le : .i16be
        case 3: raw = little ? .i32le : .i32be
        case 4: raw = little ? .u16le : .u16be
        case 5: raw = little ? .u32le : .u32be
        case 6: raw = little ? .f32le : .f32be
        case 7: raw = little ? .f64le : .f64be
        case 8, 10: raw = .u8
        default: raw = nil
        }
        if let raw {
            guard let px = SampleDecoding.decode(data, offset: offset, count: count, type: raw) else {
                throw FormatError.truncated(format: format, "\(name): image data runs past the end of the file")
            }
            return px
        }
        guard let size = DMTagParser.size(of: elementType) else {
            throw FormatError.unsupported(format: format, "\(name): samples of type \(elementType)")
        }
        let c = ByteCursor(bytes, format: format, bigEndian: !little)
        try c.require(count * size, at: offset, "\(name): image data")
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            out[i] = Float(DMTagParser.number(try c.uint(size, at: offset + i * size, "sample"), type: elementType))
        }
        return out
    }
}
