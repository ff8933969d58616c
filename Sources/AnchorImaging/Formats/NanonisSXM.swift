import Foundation
import AnchorGeometry

/// Reader for Nanonis `.sxm` scan files (SPECS Nanonis controllers; STM/AFM).
///
/// Layout (Gwyddion `nanonis.c`, nanonispy, pySPM; checked against real files): an ASCII
/// header of `:TAG:` lines each followed by value lines, ended by `:SCANIT_END:`, then the
/// bytes `0x1A 0x04`, then for each channel of `:DATA_INFO:` the forward frame and, when its
/// direction is `both`, the backward frame; each frame is `SCAN_PIXELS` (x then y) samples
/// of the `SCANIT_TYPE` (real files: `FLOAT MSBFIRST`, big-endian float32), row-major.
///
/// Orientation fix-ups, so that every channel has x right, y down and row 0 at the top of
/// the scanned area: backward frames are stored right-to-left and are flipped horizontally;
/// with `SCAN_DIR = up` the first stored line is the bottom one and frames are flipped
/// vertically.
public enum NanonisSXM {
    static let format = ImageFormat.sxm

    /// Parses an `.sxm` file.
    ///
    /// - Returns: one channel per frame, named "NAME (forward)" / "NAME (backward)" in file
    ///   order. Lateral calibration in nanometres: `pixelSize = SCAN_RANGE / SCAN_PIXELS`
    ///   (non-square pixels possible), `unit = .nanometre`. Sample values are as stored
    ///   (Z in metres, current in amperes), with `valueUnit` from DATA_INFO. Unfinished scans
    ///   keep their filler (NaN) rows; their count is in metadata `unfinished_rows`.
    ///   Metadata holds every single-valued header tag verbatim (e.g. `BIAS`, `REC_DATE`,
    ///   `SCAN_DIR`) plus `bias` (V), `setpoint` (with unit), `date` and `time`.
    /// - Throws: `FormatError.badMagic` without `:NANONIS_VERSION:`/`:SCANIT_END:`,
    ///   `.truncated` when the data block is missing or shorter than the header announces,
    ///   `.corrupt` for malformed SCAN_PIXELS / SCAN_RANGE / DATA_INFO, `.unsupported` for
    ///   sample types other than FLOAT/DOUBLE/INT/UINT or sizes over `options.maxPixels`.
    /// - Complexity: O(file size).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let bytes = [UInt8](data)
        let endTag = Array(":SCANIT_END:".utf8)
        guard bytes.starts(with: Array(":NANONIS_VERSION:".utf8)) else {
            throw FormatError.badMagic(format: format, "missing :NANONIS_VERSION: at the start")
        }
        guard let endPos = find(endTag, in: bytes) else {
            throw FormatError.badMagic(format: format, "header has no :SCANIT_END: line")
        }
        // The data starts after the first 0x1A following the end tag, which must be followed
        // by 0x04 (Gwyddion and pySPM do the same).
        var p = endPos + endTag.count
        while p < bytes.count, bytes[p] != 0x1A { p += 1 }
        guard p + 1 < bytes.count else {
            throw FormatError.truncated(format: format, "header ends without the 0x1A 0x04 data marker (no data)")
        }
        guard bytes[p + 1] == 0x04 else {
            throw FormatError.corrupt(
                format: format, "data marker is 0x1A 0x\(String(bytes[p + 1], radix: 16)), expected 0x1A 0x04")
        }
        let dataStart = p + 2
        let header = String(decoding: bytes[0..<endPos], as: UTF8.self)
        let tags = parseTags(header)

        // SCAN_PIXELS is x (pixels per line) then y (lines).
        guard let pixText = tags["SCAN_PIXELS"]?.first else {
            throw FormatError.corrupt(format: format, "header has no SCAN_PIXELS")
        }
        let pix = fields(pixText).compactMap { Int($0) }
        guard pix.count == 2, pix[0] > 0, pix[1] > 0 else {
            throw FormatError.corrupt(format: format, "SCAN_PIXELS \"\(pixText)\" is not two positive integers")
        }
        let (nx, ny) = (pix[0], pix[1])
        let (frameCount, ovf) = nx.multipliedReportingOverflow(by: ny)
        guard !ovf, frameCount <= options.maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(nx)×\(ny) pixels is more than \(options.maxPixels); refused to protect memory")
        }

        let sampleType = try parseSampleType(tags["SCANIT_TYPE"]?.first)

        var pixelSize: PixelSize? = nil
        var unit = LengthUnit.none
        if let rangeText = tags["SCAN_RANGE"]?.first {
            let r = fields(rangeText).compactMap { Double($0) }
            guard r.count == 2, r.allSatisfy({ $0.isFinite }) else {
                throw FormatError.corrupt(format: format, "SCAN_RANGE \"\(rangeText)\" is not two numbers")
            }
            // A scanner's range is micrometres, at most millimetres; 1 m bounds it with room
            // and keeps nm pixel sizes finite (1e308 m would give inf nm).
            guard r.allSatisfy({ abs($0) <= 1 }) else {
                throw FormatError.corrupt(format: format, "SCAN_RANGE \"\(rangeText)\" m is larger than 1 m; no scanner covers that")
            }
            if r[0] > 0, r[1] > 0 {
                pixelSize = PixelSize(x: r[0] * 1e9 / Double(nx), y: r[1] * 1e9 / Double(ny))
                unit = .nanometre
            }
        }
        let scanUp = tags["SCAN_DIR"]?.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } == "up"

        let infos = try parseDataInfo(tags["DATA_INFO"] ?? [])
        guard !infos.isEmpty else {
            throw FormatError.corrupt(format: format, "DATA_INFO lists no channels")
        }
        var frames: [(name: String, unit: String, backward: Bool)] = []
        for info in infos {
            switch info.direction {
            case "both":
                frames.append((info.name + " (forward)", info.unit, false))
                frames.append((info.name + " (backward)", info.unit, true))
            case "forward": frames.append((info.name + " (forward)", info.unit, false))
            case "backward": frames.append((info.name + " (backward)", info.unit, true))
            default:
                throw FormatError.corrupt(
                    format: format, "channel \(info.name) has direction \"\(info.direction)\" (expected both/forward/backward)")
            }
        }
        let frameBytes = Double(frameCount) * Double(sampleType.byteCount)
        let needed = Double(dataStart) + frameBytes * Double(frames.count)
        guard needed <= Double(bytes.count) else {
            throw FormatError.truncated(
                format: format,
                "header announces \(frames.count) frames of \(nx)×\(ny) \(sampleType.rawValue) "
                    + "(\(SampleDecoding.byteCountText(needed)) bytes with the header), file has \(bytes.count)")
        }

        var channels: [ImageChannel] = []
        var unfinishedRows = 0
        for (k, frame) in frames.enumerated() {
            let offset = dataStart + k * frameCount * sampleType.byteCount
            guard var px = SampleDecoding.decode(data, offset: offset, count: frameCount, type: sampleType) else {
                throw FormatError.truncated(format: format, "frame \(frame.name) runs past the end of the file")
            }
            if frame.backward { flipHorizontally(&px, width: nx, height: ny) }
            if scanUp { flipVertically(&px, width: nx, height: ny) }
            if k == 0 {
                for row in 0..<ny where (0..<nx).allSatisfy({ px[row * nx + $0].isNaN }) { unfinishedRows += 1 }
            }
            let image = try Image(width: nx, height: ny, pixels: px, pixelSize: pixelSize, unit: unit,
                                  valueUnit: frame.unit.isEmpty ? nil : frame.unit, maxPixels: options.maxPixels)
            channels.append(ImageChannel(name: frame.name, image: image))
        }

        var metadata: [String: String] = [:]
        for (key, lines) in tags where key != "DATA_INFO" && key != "Z-CONTROLLER" {
            metadata[key] = lines.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
        }
        if let bias = metadata["BIAS"], let v = Double(bias) { metadata["bias"] = "\(v) V" }
        if let d = metadata["REC_DATE"] { metadata["date"] = d }
        if let t = metadata["REC_TIME"] { metadata["time"] = t }
        if let z = tags["Z-CONTROLLER"], z.count >= 2 {
            let head = z[0].split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let vals = z[1].split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for (h, v) in zip(head, vals) { metadata["Z-CONTROLLER." + h] = v }
            if let i = head.firstIndex(of: "Setpoint"), i < vals.count { metadata["setpoint"] = vals[i] }
        }
        metadata["unfinished_rows"] = String(unfinishedRows)
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    // MARK: - Header parsing

    struct ChannelInfo: Equatable {
        var name: String
        var unit: String
        var direction: String
    }

    /// `:TAG:` → following lines (up to the next tag), blank trailing lines dropped.
    static func parseTags(_ header: String) -> [String: [String]] {
        var tags: [String: [String]] = [:]
        var current: String? = nil
        var lines: [String] = []
        func flush() {
            if let c = current {
                while let l = lines.last, l.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
                tags[c] = lines
            }
        }
        for raw in header.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = String(raw).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.count >= 2, line.hasPrefix(":"), line.hasSuffix(":"), !line.contains("\t") {
                flush()
                current = String(line.dropFirst().dropLast())
                lines = []
            } else if current != nil {
                lines.append(line)
            }
        }
        flush()
        return tags
    }

    static func fields(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    static func parseSampleType(_ text: String?) throws -> RawSampleType {
        // Default as Nanonis writes it when the tag is absent: big-endian float32.
        guard let text else { return .f32be }
        let f = fields(text).map { $0.uppercased() }
        let big = !f.contains("LSBFIRST")
        switch f.first {
        case "FLOAT", nil: return big ? .f32be : .f32le
        case "DOUBLE": return big ? .f64be : .f64le
        case "INT": return big ? .i32be : .i32le
        case "UINT": return big ? .u32be : .u32le
        default:
            throw FormatError.unsupported(format: format, "SCANIT_TYPE \"\(text.trimmingCharacters(in: .whitespaces))\"")
        }
    }

    /// DATA_INFO: a header row naming the columns (Channel Name Unit Direction Calibration
    /// Offset), then one tab-separated row per channel, ending at a blank line.
    static func parseDataInfo(_ lines: [String]) throws -> [ChannelInfo] {
        func cells(_ s: String) -> [String] {
            let byTab = s.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return byTab.count > 1 ? byTab : fields(s)
        }
        guard let headIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return []
        }
        let head = cells(lines[headIndex]).map { $0.lowercased() }
        guard let iName = head.firstIndex(of: "name"), let iDir = head.firstIndex(of: "direction") else {
            throw FormatError.corrupt(format: format, "DATA_INFO header row lacks Name/Direction columns")
        }
        let iUnit = head.firstIndex(of: "unit")
        var out: [ChannelInfo] = []
        for line in lines[(headIndex + 1)...] {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            let c = cells(line)
            guard c.count > max(iName, iDir) else {
                throw FormatError.corrupt(format: format, "DATA_INFO row \"\(line)\" has too few columns")
            }
            let unit = iUnit.flatMap { $0 < c.count ? c[$0] : nil } ?? ""
            out.append(ChannelInfo(name: c[iName], unit: unit, direction: c[iDir].lowercased()))
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count, let first = needle.first else { return nil }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func flipHorizontally(_ px: inout [Float], width: Int, height: Int) {
        for r in 0..<height { px[(r * width)..<(r * width + width)].reverse() }
    }

    static func flipVertically(_ px: inout [Float], width: Int, height: Int) {
        var top = 0, bottom = height - 1
        while top < bottom {
            for x in 0..<width { px.swapAt(top * width + x, bottom * width + x) }
            top += 1
            bottom -= 1
        }
    }
}
