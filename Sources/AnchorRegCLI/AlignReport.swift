import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The self-contained `report.html` of `anchorreg align` (images inline as base64 PNG).
enum AlignReport {
    static func img(_ rgb: RGBImage, alt: String, width: Int? = nil) -> String {
        let data = (try? rgb.pngData()) ?? Data()
        let w = width.map { " width=\"\($0)\"" } ?? ""
        return "<img alt=\"\(esc(alt))\"\(w) src=\"data:image/png;base64,\(data.base64EncodedString())\">"
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func html(_ r: DeviceAlignmentResult, summary s: AlignSummary, frames: [AlignmentFrame], model: AnchorModel,
                     profiles: [LineProfile]) -> String {
        let u = AlignOutputs.unitText(model)
        var h = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>anchorreg align — \(esc(model.name))</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}
            img{max-width:100%;image-rendering:pixelated;border:1px solid #ddd}.row{display:flex;gap:1em;flex-wrap:wrap}
            .row>div{flex:1;min-width:300px}.warn{color:#a00}</style></head><body>
            <h1>Device alignment: \(esc(model.name))</h1>
            <p>\(frames.count) images registered to the model and resampled onto one grid of \(r.grid.width) × \(r.grid.height) px at
            \(String(format: "%.4g", r.grid.pixelsPerUnit)) px per \(u) (pixel \(String(format: "%.4g", 1 / r.grid.pixelsPerUnit)) \(u)).</p>
            """
        if model.unit == .none {
            h += "<p class=\"warn\"><b>The model has no physical scale: all model-space lengths in this report (MAE, grid, profiles, areas) are in pixels of the design drawing, not µm.</b> Make the model with <code>models from-image … --scale µm-per-px</code> for physical units.</p>"
        }
        if !s.notes.isEmpty {
            h += "<ul>" + s.notes.map { "<li class=\"warn\">\(esc($0))</li>" }.joined() + "</ul>"
        }
        h += "<h2>Registrations</h2><table><tr><th>#</th><th>file</th><th>size px</th><th>anchors (inliers)</th><th>MAE \(u)</th><th>recall OKS@0.95</th><th>residual px</th><th>limit px</th><th>rotation °</th><th>gain</th><th>gradient x, y per \(u)</th></tr>"
        for (k, f) in s.frames.enumerated() {
            let inl = f.anchors.filter(\.inlier).count
            h += "<tr><td>\(k)</td><td style=\"text-align:left\">\(esc(f.file))</td><td>\(f.width)×\(f.height)</td><td>\(f.anchors.count) (\(inl))</td>"
            h += String(format: "<td>%.4g</td><td>%.2f</td><td%@>%.3f</td><td>%.3f</td><td>%.2f</td><td>%.4f</td><td>%.2e, %.2e</td></tr>",
                        f.mae, f.recall, f.trustworthy ? "" : " class=\"warn\"", f.rms_px, f.residual_limit_px, f.rotation_deg,
                        f.normalisation.gain, f.normalisation.gradientX, f.normalisation.gradientY)
        }
        h += "</table><p>MAE and recall: P_t = H⁻¹(detected anchors) against the model's P_m; OKS scale = the smallest distance between paired anchors. Gain and gradient: the explicit intensity normalisation I_k ≈ (g + g_x x + g_y y)·I_0 fitted on unchanged pixels outside the measured region and away from edges; every frame is divided by it.</p>"
        h += "<h2>Overlays (model projected on each photograph)</h2><div class=\"row\">"
        for k in frames.indices {
            h += "<div><p>\(k): \(esc(frames[k].name))</p>" + img(AlignOutputs.overlay(frames[k], r.registrations[k], model: model), alt: "overlay \(k)") + "</div>"
        }
        h += "</div><p>Yellow: model regions; green crosses: H·P_m; red dots: detected anchors (magenta: rejected).</p>"
        h += "<h2>Aligned frames (model grid)</h2><div class=\"row\">"
        for k in frames.indices {
            h += "<div><p>\(k)</p>" + img(AlignOutputs.alignedPreview(r, k, model: model), alt: "aligned \(k)") + "</div>"
        }
        h += "</div>"
        for (j, d) in r.differences.enumerated() {
            let range = AlignOutputs.differenceRange(d)
            h += "<h2>Difference \(j + 1) − 0</h2><div class=\"row\"><div>" + img(d.rendered(colorMap: .coolwarm, range: range), alt: "difference") + "</div>"
            if let bar = try? ColorMap.coolwarm.colorBar(length: 256, thickness: 16) {
                h += "<div style=\"flex:0;min-width:120px\"><p>\(String(format: "%+.3g", Double(range.upperBound)))</p>" + img(bar, alt: "colour bar") + "<p>\(String(format: "%+.3g", Double(range.lowerBound)))</p><p>luminance (first frame's scale)</p></div>"
            }
            h += "</div>"
            h += String(format: "<p>Grid: x from %.4g to %.4g %@, y from %.4g to %.4g %@. RMS away from edges: %.4g (%.2f %% of the intensity range %.4g), over %d px.</p>",
                        r.grid.origin.x, r.grid.origin.x + Double(r.grid.width - 1) / r.grid.pixelsPerUnit, u,
                        r.grid.origin.y, r.grid.origin.y + Double(r.grid.height - 1) / r.grid.pixelsPerUnit, u,
                        r.differenceRMS[j], r.differenceRMSRelative[j] * 100, r.intensityRange, r.differencePixels[j])
        }
        if let m = r.measurement {
            h += "<h2>Measurements in region “\(esc(m.region))”</h2>"
            h += String(format: "<p>Area %.4g %@² (%d px, outline inset by 1 image px). Dark/light threshold %.4g (pooled Otsu, separability %.2f); light level %.4g, dark level %.4g.</p>",
                        m.area, u, m.pixels, m.threshold, m.separability, m.lightLevel, m.darkLevel)
            h += "<table><tr><th>frame</th><th>dark fraction %</th><th>integrated darkness</th></tr>"
            for k in m.darkFraction.indices {
                h += String(format: "<tr><td>%d</td><td>%.3f</td><td>%.4f</td></tr>", k, m.darkFraction[k] * 100, m.integratedDarkness[k])
            }
            h += "</table>"
            if let c = r.change {
                h += String(format: "<p><b>Change (last − first): dark fraction %+.3f percentage points; integrated darkness %+.3f %%.</b></p>",
                            c.darkFractionChangePoints, c.integratedDarknessChangePct)
            }
        }
        if !profiles.isEmpty {
            let svg = AlignOutputs.profilePlot(profiles, names: frames.map(\.name), model: model).svg()
            h += "<h2>Line profiles</h2>" + "<img alt=\"profiles\" src=\"data:image/svg+xml;base64,\(Data(svg.utf8).base64EncodedString())\">"
        }
        h += "</body></html>\n"
        return h
    }
}
