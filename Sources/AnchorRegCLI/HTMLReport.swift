import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation

/// One self-contained HTML page per run: images inline as base64 PNG, no external files or
/// scripts, so the report can be mailed or archived as is.
enum HTMLReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func img(_ png: Data, alt: String) -> String {
        "<img alt=\"\(escape(alt))\" src=\"data:image/png;base64,\(png.base64EncodedString())\">"
    }

    static func fmt(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)g", x) }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
        h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f3f3f3}td.l,th.l{text-align:left}
        .imgs{display:flex;flex-wrap:wrap;gap:1em}.imgs figure{margin:0}.imgs img{max-width:520px;image-rendering:pixelated;border:1px solid #ccc}
        figcaption{font-size:.85em;color:#555}code{background:#f6f6f6;padding:1px 3px}
        """

    /// The verdict as a coloured box: status, then one line per reason.
    static func verdictBanner(_ q: Verdict) -> String {
        let colour = switch q.status { case .ok: "#e6f4ea;border-color:#2e7d32"; case .doubtful: "#fff4e0;border-color:#ef8f00"; case .refused: "#fde8e8;border-color:#c62828" }
        let headline = switch q.status {
        case .ok: "The frame shows the model: every check passed."
        case .doubtful: "Doubtful: the result may be wrong — see why below."
        case .refused: "Refused: the frame does not show the model (or not well enough to say where it is). Do not use this result."
        }
        var s = "<div class=\"verdict\" style=\"background:\(colour);border:2px solid;padding:.6em 1em;margin:1em 0\"><b>Quality: \(q.status.rawValue)</b> — \(escape(headline))"
        if !q.reasons.isEmpty {
            s += "<ul>" + q.reasons.map { "<li><b>\($0.status.rawValue)</b> (<code>\(escape($0.code))</code>): \(escape($0.message))</li>" }.joined() + "</ul>"
        }
        return s + "</div>"
    }

    static func frame(report r: FrameReport, inputName: String, overlayPNG: Data, correctedPNG: Data, corrected: Image) -> String {
        let h = r.homography.normalized()
        let t = r.transform
        var s = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>AnchorReg — \(escape(inputName))</title><style>\(style)</style></head><body>"
        s += "<h1>AnchorReg registration of <code>\(escape(inputName))</code> to <code>\(escape(r.model))</code></h1>"
        if let q = r.quality { s += verdictBanner(q) }
        s += "<div class=\"imgs\"><figure>\(img(overlayPNG, alt: "overlay"))<figcaption>Input (levelled). Grey: extracted points; yellow: kept by the vote filter; cyan +: rough placement A·P<sub>m</sub>; red ○: fitted H·P<sub>m</sub> (orange: outlier); green: sites present; magenta ×: defects.</figcaption></figure>"
        s += "<figure>\(img(correctedPNG, alt: "corrected"))<figcaption>Corrected image on the model's absolute grid: \(corrected.width)×\(corrected.height) px, \(fmt(corrected.pixelSize?.x ?? .nan)) \(escape(r.unit)) per pixel.</figcaption></figure></div>"
        s += "<h2>Transform (model \(escape(r.unit)) → image pixels)</h2><table>"
        for row in h.rows { s += "<tr>" + row.map { "<td>\(fmt($0, 6))</td>" }.joined() + "</tr>" }
        s += "</table><table><tr><th class=l>what it means</th><th>value</th></tr>"
        s += "<tr><td class=l>measured pixel size (x, y)</td><td>\(fmt(r.pixel_size[0])), \(fmt(r.pixel_size[1])) \(escape(r.unit))/px</td></tr>"
        if let f = r.file_pixel_size { s += "<tr><td class=l>pixel size in the file (x, y)</td><td>\(fmt(f[0])), \(fmt(f[1])) \(escape(r.unit))/px</td></tr>" }
        s += "<tr><td class=l>scale along model x, y</td><td>\(fmt(t.scale_px_per_unit[0])), \(fmt(t.scale_px_per_unit[1])) px/\(escape(r.unit))</td></tr>"
        s += "<tr><td class=l>aspect ratio (drift stretches one axis)</td><td>\(fmt(t.aspect_ratio))</td></tr>"
        s += "<tr><td class=l>rotation of model x in the image</td><td>\(fmt(t.rotation_deg)) °</td></tr>"
        s += "<tr><td class=l>shear (non-orthogonality from drift along the slow axis)</td><td>\(fmt(t.shear_deg)) °</td></tr>"
        s += "<tr><td class=l>perspective (g, h)</td><td>\(fmt(t.perspective[0])), \(fmt(t.perspective[1]))</td></tr></table>"
        let m = r.metrics
        s += "<h2>Accuracy of P<sub>t</sub> = H⁻¹(P<sub>e</sub>) against P<sub>m</sub></h2><table>"
        s += "<tr><td class=l>anchors paired / inliers\(m.anchors_in_view == nil ? "" : " (in view)")</td><td>\(m.anchors) / \(m.inliers)\(m.anchors_in_view.map { " (\($0))" } ?? "")</td></tr>"
        s += "<tr><td class=l>MAE</td><td>\(fmt(m.mae)) \(escape(r.unit))</td></tr>"
        s += "<tr><td class=l>recall at OKS \(m.oks_threshold) (s = \(fmt(m.oks_scale)) \(escape(r.unit)), k = \(m.oks_k))</td><td>\(fmt(m.recall))</td></tr>"
        s += "<tr><td class=l>RMS reprojection residual</td><td>\(fmt(m.rms_px)) px</td></tr>"
        s += "<tr><td class=l>points extracted / after vote filter (\(escape(r.extractor)))</td><td>\(m.detected_points) / \(m.filtered_points)</td></tr>"
        s += "<tr><td class=l>re-pairing rounds</td><td>\(m.iterations)</td></tr>"
        s += "<tr><td class=l>spread of neighbouring anchor distances, before → after correction (Fig. 7c)</td><td>\(fmt(m.neighbour_spread_before, 3)) → \(fmt(m.neighbour_spread_after, 3))</td></tr>"
        if let h = m.neighbour_spread_after_homography_only {
            s += "<tr><td class=l>the same after H alone (without the scan-line field)</td><td>\(fmt(h, 3))</td></tr>"
        }
        if m.sites > 0 { s += "<tr><td class=l>sites located / defects</td><td>\(m.sites) / \(m.defects)</td></tr>" }
        s += "</table>"
        if r.scan_field != nil {
            s += "<h2>Tolerant registration</h2><p>The standard fit (one homography, one plane) refused this frame. "
            s += "It was levelled with a local median background (\(escape(r.levelling))) and fitted with H plus a displacement of every "
            s += "scan line (offset and rate along the line, and one fast-axis profile): drift and creep beyond a homography.</p>"
            if r.domains.count > 1 {
                s += "<table><tr><th>domain</th><th>shift (cells of a1, a2)</th><th>shift (\(escape(r.unit)))</th><th>anchors / fit</th></tr>"
                for (k, d) in r.domains.enumerated() {
                    s += "<tr><td>\(k)</td><td>\(fmt(d.shift_cells.x, 3)), \(fmt(d.shift_cells.y, 3))</td><td>\(fmt(d.shift.x, 3)), \(fmt(d.shift.y, 3))</td><td>\(d.anchors) / \(d.inliers)</td></tr>"
                }
                s += "</table>"
            }
        }
        if let hv = r.halves {
            s += "<h2>Faulted half</h2><p>"
            if let g = hv.faulted_group {
                s += "Half <b>\(escape(g))</b> is the faulted one (brighter in filled states): t = \(fmt(hv.t_statistic, 3)) over \(hv.cells_used) cells, confidence \(fmt(hv.confidence, 3))."
            } else {
                s += "Undecided: \(escape(hv.note ?? ""))"
            }
            s += "</p>"
        }
        if !r.cells.isEmpty {
            let defective = r.cells.filter { $0.bits.contains("0") }
            s += "<h2>Cells with defects (\(defective.count) of \(r.cells.count) half cells)</h2><table><tr><th>cell</th><th>half</th><th>bits (sites 1–6)</th></tr>"
            for c in defective.prefix(200) {
                s += "<tr><td>(\(c.cell.i), \(c.cell.j))</td><td>\(escape(c.half ?? c.group))</td><td><code>\(c.bits)</code></td></tr>"
            }
            s += "</table>"
        }
        s += "<h2>Timings</h2><table>"
        for k in ["level", "lattice", "extract", "vote", "rough", "fine", "sites", "quality", "total"] {
            if let v = r.timings_ms[k] { s += "<tr><td class=l>\(k)</td><td>\(fmt(v, 3)) ms</td></tr>" }
        }
        s += "</table><p style=\"color:#777;font-size:.8em\">AnchorReg \(AnchorRegVersion.string). Image coordinates: pixel centres at integers, x right, y down. Method after Diao et al., Sci. Rep. 15, 13486 (2025).</p></body></html>\n"
        return s
    }
}
