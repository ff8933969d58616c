import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// sites.csv and cells.csv of a `locate` run. Column names carry their unit (`_px` image
/// pixels, `_nm` or another model unit, `_sd` robust standard deviations); every column is
/// listed in docs/outputs.md, which DocumentedOutputsTests checks against what is written.
enum FrameTables {
    /// What `half` holds when the frame's faulted half is undecided.
    static let undecided = "undecided"
    /// The letter before the site bits in cells.csv, so that pandas and spreadsheets read
    /// "b011111" as text rather than the number 11111.
    static let bitsPrefix = "b"

    /// The model unit as an ASCII column suffix: "nm", "um", "px" (a model without a scale).
    static func unitSuffix(_ unit: LengthUnit) -> String {
        switch unit {
        case .none: return "px"
        case .micrometre: return "um"
        case .angstrom: return "A"
        default: return unit.rawValue
        }
    }

    /// The name and scale of the site-value column: `height_nm` (values converted to nm)
    /// when the image's value unit is a length, `value_<unit>` for another unit (ASCII:
    /// µ as u, other characters outside [A-Za-z0-9] as _), `value` when there is none.
    static func valueColumn(_ valueUnit: String?) -> (name: String, factor: Double) {
        guard let v = valueUnit, !v.isEmpty else { return ("value", 1) }
        let u = ValueUnit(parsing: v)
        if u.isSI && u.base == "m" { return ("height_nm", u.factor(toExponent: -9)) }
        var name = "value_"
        for ch in v {
            if ch == "µ" || ch == "μ" { name += "u" } else if ch.isASCII && (ch.isLetter || ch.isNumber) { name.append(ch) } else { name += "_" }
        }
        return (name, 1)
    }

    /// The header of sites.csv for a model in `unit` and an image with `valueUnit`.
    static func sitesHeader(unit: LengthUnit, valueUnit: String?) -> [String] {
        let u = unitSuffix(unit)
        return ["cell_i", "cell_j", "group", "half", "index", "name", "kind", "image_x_px", "image_y_px",
                "model_x_\(u)", "model_y_\(u)", valueColumn(valueUnit).name, "present", "score_sd", "edge"]
    }

    static let cellsHeader = ["cell_i", "cell_j", "group", "half", "bits"]

    /// One row per located site: its cell, half ("undecided" when the halves are), position in
    /// the image (pixels) and in the model (model units), smoothed levelled value at the site,
    /// present or defect, score (robust SDs from the same site in other cells), edge flag.
    static func sites(_ analysis: FrameAnalysis) -> String {
        let (_, factor) = valueColumn(analysis.levelled.valueUnit)
        var out = sitesHeader(unit: analysis.model.unit, valueUnit: analysis.levelled.valueUnit).joined(separator: ",") + "\n"
        for s in analysis.sites {
            let fields: [String] = [
                "\(s.cell.i)", "\(s.cell.j)", s.group ?? "", s.half ?? undecided, s.index.map(String.init) ?? "", field(s.name),
                field(s.kind ?? ""), "\(s.image.x)", "\(s.image.y)", "\(s.model.x)", "\(s.model.y)", "\(s.value * factor)",
                "\(s.present)", "\(s.score)", "\(s.edge)",
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// One row per complete half cell: its site bits as text ("b" then 1 present / 0 missing
    /// per site, in the model's site order).
    static func cells(_ analysis: FrameAnalysis) -> String {
        var out = cellsHeader.joined(separator: ",") + "\n"
        for c in analysis.cells {
            out += "\(c.cell.i),\(c.cell.j),\(field(c.group)),\(c.half ?? undecided),\(bitsPrefix)\(c.bits)\n"
        }
        return out
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
