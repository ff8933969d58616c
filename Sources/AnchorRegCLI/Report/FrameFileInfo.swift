import AnchorImaging
import Foundation

/// What report.html says about the input file: channel, bias, setpoint, scan size, date —
/// each only where the file has it.
enum FrameFileInfo {
    static func rows(file: String, document: ImageDocument, channel: ImageChannel) -> [ReportDocument.Row] {
        typealias Row = ReportDocument.Row
        let img = channel.image
        let m = document.metadata
        var rows = [Row(label: "file", value: (file as NSString).lastPathComponent),
                    Row(label: "format", value: document.format.label),
                    Row(label: "channel", value: channel.name + (document.channels.count > 1 ? " (of \(document.channels.count))" : "")),
                    Row(label: "size", value: "\(img.width) × \(img.height) px")]
        if let ps = img.pixelSize, img.unit != .none {
            rows.append(Row(label: "scan size (file calibration)",
                            value: "\(ReportNumber.sig(ps.x * Double(img.width), 4)) × \(ReportNumber.sig(ps.y * Double(img.height), 4)) \(img.unit.rawValue)"))
        }
        if let v = img.valueUnit, !v.isEmpty { rows.append(Row(label: "value unit", value: v)) }
        if let b = m["bias"] { rows.append(Row(label: "bias", value: physical(b))) }
        if let s = m["setpoint"] { rows.append(Row(label: "setpoint", value: physical(s))) }
        let date = [m["date"], m["time"]].compactMap { $0 }.joined(separator: " ")
        if !date.isEmpty { rows.append(Row(label: "recorded", value: date)) }
        return rows
    }

    /// "2.500E-10 A" → "250 pA"; text that is not a number and an SI unit stays as it is.
    static func physical(_ text: String) -> String {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let v = Double(parts[0]), v.isFinite, ["A", "V", "m", "N", "Hz"].contains(String(parts[1])) else {
            return text
        }
        let prefixes: [(Double, String)] = [(1e-15, "f"), (1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1, ""), (1e3, "k")]
        var best = (1.0, "")
        for p in prefixes where abs(v) >= p.0 * 0.999 { best = p }
        return "\(ReportNumber.sig(v / best.0, 3)) \(best.1)\(parts[1])"
    }
}
