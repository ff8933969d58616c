import Foundation
import AnchorGeometry

/// Gwyddion Simple Field (`.gsf`) reader and writer — the simplest way to hand a calibrated
/// image to Gwyddion.
///
/// Layout (Gwyddion user guide, "Simple Field Files"): the line `Gwyddion Simple Field 1.0`,
/// then `Name = value` lines (case-sensitive: XRes, YRes, XReal, YReal, XOffset, YOffset,
/// XYUnits, ZUnits, Title, …), then 1–4 NUL bytes so the data starts at a multiple of 4,
/// then XRes × YRes little-endian float32, row-major, first row = top.
public enum GwyddionGSF {
    static let format = ImageFormat.gsf
    static let magic = "Gwyddion Simple Field 1.0\n"

    /// Parses a `.gsf` file.
    ///
    /// - Returns: one channel named after `Title` (or "Data"). Lateral calibration converted
    ///   to nanometres when `XYUnits` is a length unit (m, µm, nm, …); when XYUnits is absent
    ///   or not a length, `pixelSize` is nil and `unit == .none`. XReal/YReal default to
    ///   1 (Gwyddion's default) when absent. Values as stored, `valueUnit = ZUnits`.
    ///   Metadata holds every header line as `name → value`.
    /// - Throws: `.badMagic` without the first line, `.corrupt` for a header without NUL
    ///   terminator or missing/non-positive XRes/YRes or non-finite reals, `.truncated`
    ///   when the data is shorter than XRes·YRes·4 bytes, `.unsupported` past `maxPixels`.
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        let magicBytes = Array(magic.utf8)
        guard bytes.starts(with: magicBytes) else {
            throw FormatError.badMagic(format: format, "first line is not \"Gwyddion Simple Field 1.0\"")
        }
        guard let nul = bytes.firstIndex(of: 0) else {
            throw FormatError.corrupt(format: format, "header is not terminated by a NUL byte")
        }
        let dataStart = nul + (4 - nul % 4)
        for i in nul..<min(dataStart, bytes.count) where bytes[i] != 0 {
            throw FormatError.corrupt(format: format, "header padding at byte \(i) is not NUL")
        }
        let text = String(decoding: bytes[magicBytes.count..<nul], as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty { fields[key] = value }
        }
        guard let xres = fields["XRes"].flatMap({ Int($0) }), let yres = fields["YRes"].flatMap({ Int($0) }),
              xres > 0, yres > 0
        else {
            throw FormatError.corrupt(
                format: format,
                "XRes/YRes missing or not positive integers (XRes = \(fields["XRes"] ?? "-"), YRes = \(fields["YRes"] ?? "-"))")
        }
        let (n, ovf) = xres.multipliedReportingOverflow(by: yres)
        guard !ovf, n <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(xres)×\(yres) is more than \(options.maxPixels) pixels; refused to protect memory")
        }
        func real(_ key: String) throws -> Double {
            guard let s = fields[key] else { return 1 }
            guard let v = Double(s), v.isFinite else {
                throw FormatError.corrupt(format: format, "\(key) = \"\(s)\" is not a finite number")
            }
            return v
        }
        let xreal = try real("XReal"), yreal = try real("YReal")
        guard let pixels = SampleDecoding.decode(data, offset: dataStart, count: n, type: .f32le) else {
            throw FormatError.truncated(
                format: format,
                "\(xres)×\(yres) float32 need \(n * 4) bytes after the header, file has \(max(0, bytes.count - dataStart))")
        }
        var pixelSize: PixelSize? = nil
        var unit = LengthUnit.none
        if let u = fields["XYUnits"], let lu = LengthUnit(parsing: u), lu != .none, xreal > 0, yreal > 0,
           let wx = SampleDecoding.nanometres(xreal, from: lu), let wy = SampleDecoding.nanometres(yreal, from: lu) {
            pixelSize = PixelSize(x: wx / Double(xres), y: wy / Double(yres))
            unit = .nanometre
        }
        let z = fields["ZUnits"].flatMap { $0.isEmpty ? nil : $0 }
        let image = try Image(width: xres, height: yres, pixels: pixels, pixelSize: pixelSize, unit: unit,
                              valueUnit: z, maxPixels: options.maxPixels)
        let title = fields["Title"].flatMap { $0.isEmpty ? nil : $0 } ?? "Data"
        return ImageDocument(format: format, channels: [ImageChannel(name: title, image: image)], metadata: fields)
    }

    /// Serialises `image` as a `.gsf` file Gwyddion opens with its scale.
    ///
    /// Lateral sizes are written in metres (`XYUnits = m`, Gwyddion's convention) when the
    /// image is calibrated; an uncalibrated image gets XReal = width, YReal = height and no
    /// XYUnits (Gwyddion then shows pixels). `ZUnits` is the image's `valueUnit` when set.
    /// Numbers are written with Swift's shortest round-trip representation.
    /// - Parameter title: written as `Title` (newlines replaced by spaces).
    public static func write(_ image: Image, title: String? = nil) -> Data {
        var header = magic
        header += "XRes = \(image.width)\n"
        header += "YRes = \(image.height)\n"
        if let ps = image.pixelSize, let f = image.unit.factor(to: .metre) {
            header += "XReal = \(Double(image.width) * ps.x * f)\n"
            header += "YReal = \(Double(image.height) * ps.y * f)\n"
            header += "XYUnits = m\n"
        } else {
            header += "XReal = \(Double(image.width))\n"
            header += "YReal = \(Double(image.height))\n"
        }
        if let z = image.valueUnit, !z.isEmpty { header += "ZUnits = \(clean(z))\n" }
        if let title, !title.isEmpty { header += "Title = \(clean(title))\n" }
        var out = Data(header.utf8)
        let pad = 4 - out.count % 4
        out.append(contentsOf: [UInt8](repeating: 0, count: pad))
        out.append(SampleDecoding.float32LE(image.pixels))
        return out
    }

    private static func clean(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\0" ? " " : $0 })
    }
}
