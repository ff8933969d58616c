import Foundation
import AnchorGeometry

/// Reader for Createc STM images (`.dat`).
///
/// Layout (Gwyddion `createc.c`, py_createc, checked against a 2020 LT-STM file): a text
/// header of `key=value` lines (CR LF) starting with `[Paramco32]` (compressed float data)
/// or `[Parameter]` (uncompressed int16), padded with NULs to 16384 bytes; in the compressed
/// variant the header ends with `DATA` and a zlib stream of little-endian float32 follows.
/// Its first sample is a leading word (0), then `Channels` frames of `Num.X`·`Num.Y`
/// samples; what follows is padding. The uncompressed variant has 2 leading bytes and int16
/// samples. Keys are written `Name / Label=value` in newer files and `Name=value` in older
/// ones; both spellings are looked up.
///
/// Channels: the frames are forward channels then (with a backward scan) the same channels
/// backward; Createc selects them with the bit mask `Channelselectval` (1 topography,
/// 2 current, 4 ADC1, 8 ADC2, …). Frames whose kind the mask does not name are called
/// `channel N`.
///
/// Calibration: `Length x[A]`, `Length y[A]` (ångström) over `Num.X`, `Num.Y`; without
/// them, `Num·Delta·20/2^bits·Gain·piezoconst` as Gwyddion computes it (bits from
/// `DAC-Type`, 16 when absent). Topography frames are converted from DAC units to metres:
/// `20/2^bits · GainZ · ZPiezoconst` Å per unit. Other channels keep the stored values
/// (`valueUnit` nil): their conversion depends on the preamplifier and ADC setup.
public enum CreatecDAT {
    static let format = ImageFormat.createc
    static let headerSize = 16384

    /// First bytes of Createc image files.
    static let magics = ["[Paramco32]", "[Parameter]"].map { Array($0.utf8) }

    /// Parses a Createc `.dat` image.
    ///
    /// - Returns: channels named `Topography (forward)`, `Current (forward)`, …,
    ///   `… (backward)`; pixel size in nm; topography in metres; metadata with every header
    ///   key (newer files' `Name / Label` keys under `Name`) and `bias` (mV).
    /// - Throws: `.badMagic` without a `[Param…]` first line, `.corrupt` for missing or
    ///   non-positive `Num.X`/`Num.Y`/`Channels` or a corrupt zlib stream, `.truncated` when
    ///   the file ends before the header or the data, `.unsupported` past `maxPixels`.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        guard let magic = magics.first(where: { bytes.starts(with: $0) }) else {
            throw FormatError.badMagic(format: format, "does not start with [Paramco32] or [Parameter]")
        }
        let compressed = magic != magics[1]
        guard bytes.count >= headerSize else {
            throw FormatError.truncated(format: format, "\(bytes.count) bytes, the header alone takes \(headerSize)")
        }
        let fields = parseHeader(bytes[0..<headerSize])
        func number(_ key: String) -> Double? {
            fields[key].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0.isFinite ? $0 : nil }
        }
        func count(_ key: String) throws -> Int {
            guard let v = number(key), v >= 1, v <= 1e9, v == v.rounded() else {
                throw FormatError.corrupt(format: format, "\(key) \"\(fields[key] ?? "missing")\" is not a positive integer")
            }
            return Int(v)
        }
        let nx = try count("Num.X"), ny = try count("Num.Y")
        let channelCount = compressed ? try count("Channels") : 1
        guard channelCount <= 64 else {
            throw FormatError.corrupt(format: format, "Channels = \(channelCount)")
        }
        let (plane, o1) = nx.multipliedReportingOverflow(by: ny)
        // The limit bounds all frames together (they are inflated at once).
        guard !o1, plane <= options.maxPixels / channelCount else {
            throw FormatError.unsupported(format: format, "\(channelCount) frames of \(nx)×\(ny) pixels are more than \(options.maxPixels); refused to protect memory")
        }
        let bits: Double = (fields["DAC-Type"].map { $0.hasPrefix("20") } ?? false) ? 20 : 16
        let voltsPerDAC = 20 / pow(2, bits)

        var frames: [[Float]] = []
        if compressed {
            // The header ends with "DATA" right before the zlib stream.
            let expected = (1 + channelCount * plane) * 4
            let stream = bytes[headerSize...]
            // zlib cannot expand more than ~1032:1; a larger claim is a corrupt header, refused
            // before allocating.
            guard expected <= stream.count * 1032 + 64 else {
                throw FormatError.corrupt(format: format,
                    "\(channelCount) frames of \(nx)×\(ny) cannot come from \(stream.count) compressed bytes")
            }
            let raw: [UInt8]
            do {
                raw = try stream.withUnsafeBufferPointer { try TIFFDecompression.deflate($0, expected: expected) }
            } catch let f as TIFFDecompression.Failure {
                throw f.truncated ? FormatError.truncated(format: format, "compressed data: \(f.message)")
                    : FormatError.corrupt(format: format, "compressed data: \(f.message)")
            }
            let d = Data(raw)
            for k in 0..<channelCount {
                guard let f = SampleDecoding.decode(d, offset: 4 + k * plane * 4, count: plane, type: .f32le) else {
                    throw FormatError.truncated(format: format, "frame \(k) is incomplete")
                }
                frames.append(f)
            }
        } else {
            guard let f = SampleDecoding.decode(data, offset: headerSize + 2, count: plane, type: .i16le) else {
                throw FormatError.truncated(format: format,
                    "\(nx)×\(ny) int16 samples need \(headerSize + 2 + 2 * plane) bytes, the file has \(bytes.count)")
            }
            frames.append(f)
        }

        // Lateral calibration.
        var pixelSize: PixelSize? = nil
        if let lx = number("Length x[A]"), let ly = number("Length y[A]") {
            pixelSize = Calibration.nanometres(x: lx / Double(nx), unitX: "Å", y: ly / Double(ny), unitY: "Å")
        } else if let dx = number("Delta X"), let dy = number("Delta Y"), let gx = number("GainX"), let gy = number("GainY"),
                  let px = number("Xpiezoconst"), let py = number("YPiezoconst") {
            pixelSize = Calibration.nanometres(x: dx * voltsPerDAC * gx * px, unitX: "Å", y: dy * voltsPerDAC * gy * py, unitY: "Å")
        }
        let zMetresPerDAC: Double? = {
            guard let gz = number("GainZ"), let pz = number("ZPiezoconst") else { return nil }
            let q = voltsPerDAC * gz * pz * 1e-10
            return q.isFinite && q > 0 ? q : nil
        }()

        // Channel names from the selection mask.
        let kinds = ["Topography", "Current", "ADC1", "ADC2", "ADC3", "ADC4", "ADC5", "ADC6"]
        var selected: [String] = []
        if let mask = number("Channelselectval"), mask >= 0, mask < 65536 {
            let m = Int(mask)
            for (bit, k) in kinds.enumerated() where m & (1 << bit) != 0 { selected.append(k) }
        }
        if !compressed { selected = ["Topography"] }
        let backward = selected.count > 0 && channelCount == 2 * selected.count
        var channels: [ImageChannel] = []
        for (k, var px) in frames.enumerated() {
            let kind: String
            if selected.count == channelCount || backward {
                kind = selected[k % selected.count]
            } else {
                kind = "channel \(k)"
            }
            let direction = backward ? (k < selected.count ? " (forward)" : " (backward)") : ""
            var unit: String? = nil
            if kind == "Topography", let q = zMetresPerDAC {
                let f = Float(q)
                for i in px.indices { px[i] *= f }
                unit = "m"
            }
            let image = try Image(width: nx, height: ny, pixels: px, pixelSize: pixelSize,
                                  unit: pixelSize == nil ? .none : .nanometre, valueUnit: unit, maxPixels: options.maxPixels)
            channels.append(ImageChannel(name: kind + direction, image: image))
        }
        var metadata = fields
        if let b = number("BiasVoltage") { metadata["bias"] = "\(b) mV" }
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    /// `key=value` lines; a `Name / Label` key is stored under `Name` (the spelling older
    /// files use) unless that key exists already.
    static func parseHeader(_ header: ArraySlice<UInt8>) -> [String: String] {
        let text = String(decoding: header.prefix { $0 != 0 }, as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let slash = key.range(of: " / ") { key = String(key[..<slash.lowerBound]) }
            guard !key.isEmpty, fields[key] == nil else { continue }
            fields[key] = value
        }
        return fields
    }
}
