import Foundation
import AnchorGeometry

/// Reader for the text "SPM data transfer format" of ISO 28600 (ISO/TC 201), as written
/// by image-processing software (e.g. the `graphiteterrace.spm` example of the
/// driftcorrection project).
///
/// Layout used (fixed line positions of the standard's header, 1-based): line 1 names the
/// format; lines 24 and 25 hold the pixel counts along x and y; lines 26 and 27 the units of
/// the scan size; lines 28 and 29 the scan size along x and y. The block
/// "single-channel mapping description" gives the channel name and its value unit on the
/// next two lines. After the line `end of header` comes one number per line, row-major
/// (x fastest), until `end of experiment` (required: its absence means a cut file).
///
/// Orientation: the image is returned **as stored** — row 0 is the first stored row
/// (the header of the example file says the fast axis runs "left to right" and the slow
/// axis "top to bottom"). The driftcorrection project's own loader additionally mirrors
/// the image left–right and rotates it 180°; AnchorReg does not, since the file itself
/// does not ask for it.
public enum ISO28600SPM {
    static let format = ImageFormat.iso28600

    /// Parses an ISO 28600 text file.
    ///
    /// - Returns: one channel (named from the mapping description, default "Z"), lateral
    ///   calibration in nanometres when the scan-size unit is a length, values as stored
    ///   (the example file: metres) with `valueUnit` from the header. Metadata holds the
    ///   scan axes' directions (lines 21 and 23) when present.
    /// - Throws: `.badMagic` when line 1 does not name the format, `.corrupt` for
    ///   non-numeric pixel counts or scan sizes or a value line that is not a number,
    ///   `.truncated` when fewer than nx·ny values precede the end (or `end of header` is
    ///   missing), `.unsupported` past `options.maxPixels`.
    /// - Complexity: O(file size).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        // Header lines (up to "end of header"), as strings; values are parsed from bytes.
        var lines: [String] = []
        var pos = 0
        var headerEnded = false
        while pos < bytes.count {
            let (line, next) = nextLine(bytes, from: pos)
            pos = next
            let s = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if lines.isEmpty, !s.contains("SPM data transfer format") {
                throw FormatError.badMagic(format: format, "first line does not name the \"SPM data transfer format\"")
            }
            if s == "end of header" { headerEnded = true; break }
            lines.append(s)
            if lines.count > 100_000 { break }
        }
        guard !lines.isEmpty else {
            throw FormatError.badMagic(format: format, "empty file")
        }
        guard lines.count >= 29 else {
            throw FormatError.truncated(format: format, "header has \(lines.count) lines, at least 29 needed")
        }
        guard headerEnded else {
            throw FormatError.truncated(format: format, "no \"end of header\" line")
        }
        guard let nx = Int(lines[23]), let ny = Int(lines[24]), nx > 0, ny > 0 else {
            throw FormatError.corrupt(
                format: format, "pixel counts on lines 24–25 (\"\(lines[23])\", \"\(lines[24])\") are not positive integers")
        }
        let (n, ovf) = nx.multipliedReportingOverflow(by: ny)
        guard !ovf, n <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(nx)×\(ny) is more than \(options.maxPixels) pixels; refused to protect memory")
        }
        guard let sx = Double(lines[27]), let sy = Double(lines[28]), sx.isFinite, sy.isFinite else {
            throw FormatError.corrupt(
                format: format, "scan sizes on lines 28–29 (\"\(lines[27])\", \"\(lines[28])\") are not numbers")
        }
        var pixelSize: PixelSize? = nil
        var unit = LengthUnit.none
        if let ux = LengthUnit(parsing: lines[25]), let uy = LengthUnit(parsing: lines[26]), sx > 0, sy > 0,
           let wx = SampleDecoding.nanometres(sx, from: ux), let wy = SampleDecoding.nanometres(sy, from: uy) {
            pixelSize = PixelSize(x: wx / Double(nx), y: wy / Double(ny))
            unit = .nanometre
        }
        var name = "Z"
        var valueUnit: String? = nil
        if let i = lines.firstIndex(of: "single-channel mapping description"), i + 2 < lines.count {
            if !lines[i + 1].isEmpty { name = lines[i + 1] }
            if !lines[i + 2].isEmpty { valueUnit = lines[i + 2] }
        }

        var pixels = [Float]()
        pixels.reserveCapacity(n)
        var lineNumber = lines.count + 1
        var ended = false
        while pos < bytes.count {
            let (line, next) = nextLine(bytes, from: pos)
            pos = next
            lineNumber += 1
            let s = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if s.isEmpty { continue }
            if s == "end of experiment" { ended = true; break }
            guard pixels.count < n else {
                throw FormatError.corrupt(
                    format: format, "more than the announced \(nx)×\(ny) = \(n) values (line \(lineNumber))")
            }
            guard let v = Double(s) else {
                throw FormatError.corrupt(format: format, "line \(lineNumber) (\"\(s.prefix(40))\") is not a number")
            }
            pixels.append(Float(v))
        }
        // Requiring the closing line catches a file cut inside its last number, which would
        // otherwise parse as a shorter, wrong value.
        guard pixels.count == n, ended else {
            throw FormatError.truncated(
                format: format,
                "\(nx)×\(ny) = \(n) values announced, \(pixels.count) found before "
                    + (ended ? "\"end of experiment\"" : "the end of the file (no \"end of experiment\" line)"))
        }
        let image = try Image(width: nx, height: ny, pixels: pixels, pixelSize: pixelSize, unit: unit,
                              valueUnit: valueUnit, maxPixels: options.maxPixels)
        var metadata: [String: String] = [:]
        if lines.count > 22 {
            metadata["fast_axis"] = "\(lines[19]) \(lines[20])"
            metadata["slow_axis"] = "\(lines[21]) \(lines[22])"
        }
        metadata["comment"] = lines.count > 6 ? lines[6] : nil
        return ImageDocument(format: format, channels: [ImageChannel(name: name, image: image)], metadata: metadata)
    }

    /// The bytes of the line starting at `from` (without CR/LF) and the start of the next.
    private static func nextLine(_ b: [UInt8], from: Int) -> (ArraySlice<UInt8>, Int) {
        var e = from
        while e < b.count, b[e] != 0x0A { e += 1 }
        var end = e
        if end > from, b[end - 1] == 0x0D { end -= 1 }
        return (b[from..<end], min(e + 1, b.count))
    }
}
