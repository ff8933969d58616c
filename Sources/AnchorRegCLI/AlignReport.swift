import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The interactive `report.html` of `anchorreg align`: each photograph with the projected
/// model as layers, the aligned frames with a before/after slider and blink, the difference
/// maps with their colour bar, and the measurements (see `ReportPage`).
enum AlignReport {
    typealias Row = ReportDocument.Row
    typealias Layer = ReportDocument.Layer

    /// - Parameter previews: `AlignOutputs.alignedPreview` of every frame when the caller
    ///   has made them already (the aligned PNG files); made here otherwise.
    static func html(_ r: DeviceAlignmentResult, summary s: AlignSummary, frames: [AlignmentFrame], model: AnchorModel,
                     profiles: [LineProfile], verdict: Verdict? = nil, previews: [RGBImage]? = nil) throws -> String {
        let u = AlignOutputs.unitText(model)
        var doc = ReportDocument(kind: "align", title: "AnchorReg align: \(frames.count) images → \(model.name)")
        doc.verdict = verdict
        doc.metadata = frames.enumerated().map { k, f in
            Row(label: "image \(k)", value: "\(f.name), \(f.luminance.width) × \(f.luminance.height) px" + (f.colour == nil ? ", gray" : ", colour"))
        }
        doc.metadata.append(Row(label: "common grid", value: "\(r.grid.width) × \(r.grid.height) px, \(ReportNumber.sig(1 / r.grid.pixelsPerUnit, 3)) \(u) per pixel"))
        if model.unit == .none, !s.notes.contains(where: { $0.contains("no physical scale") }) {
            doc.notes.append("The model has no physical scale: all model-space lengths in this report (MAE, grid, profiles, areas, scale bars) are in pixels of the design drawing, not µm. Make the model with `models from-image … --scale µm-per-px` for physical units.")
        }
        doc.notes += s.notes
        if frames.contains(where: { ReportPicture.factor(width: $0.luminance.width, height: $0.luminance.height) > 1 })
            || ReportPicture.factor(width: r.grid.width, height: r.grid.height) > 1 {
            doc.notes.append("Images larger than \(ReportPicture.maxSide) px are shown as overviews reduced by block means; markers keep the full-resolution pixels, and the full-resolution images are in the TIFF files.")
        }
        for k in frames.indices {
            doc.add(try photoView(k, frames[k], r.registrations[k], model: model, unit: u))
        }
        for (j, d) in r.differences.enumerated() {
            let b = j + 1
            let a0 = previews?[0] ?? AlignOutputs.alignedPreview(r, 0, model: model)
            let ab = previews?[b] ?? AlignOutputs.alignedPreview(r, b, model: model)
            doc.add(ReportDocument.View(
                id: "aligned-\(b)", title: "Aligned: image 0 and image \(b) on the model grid",
                caption: "Drag the slider to the right to lay image \(b) over image 0 (left of the line), or press Blink to switch between them: what moves is a change of the device or a residual of the alignment. Yellow: model regions; black: outside that photograph.",
                width: r.grid.width, height: r.grid.height, image: try ReportPicture.rgb(a0),
                compare: .init(label_a: "0: \(frames[0].name)", label_b: "\(b): \(frames[b].name)", image_b: try ReportPicture.rgb(ab)),
                length_per_px: 1 / r.grid.pixelsPerUnit, length_unit: u))
            let range = AlignOutputs.differenceRange(d)
            doc.add(ReportDocument.View(
                id: "difference-\(b)", title: "Difference \(b) − 0",
                caption: "Image \(b) minus image 0 after the intensity normalisation, on the model grid. Red: brighter later; blue: darker later; white: no change; checkerboard: outside one of the images. RMS away from edges \(ReportNumber.sig(r.differenceRMS[j], 2)) (\(ReportNumber.fixed(r.differenceRMSRelative[j] * 100, 2)) % of the intensity range \(ReportNumber.sig(r.intensityRange, 3))) over \(r.differencePixels[j]) px.",
                width: d.width, height: d.height, image: try ReportPicture.gray(d, map: .coolwarm, range: range),
                length_per_px: 1 / r.grid.pixelsPerUnit, length_unit: u,
                colorbar: .init(label: "difference", lut: ReportPicture.lut(.coolwarm), min: Double(range.lowerBound),
                                max: Double(range.upperBound), unit: "luminance, first image's scale"),
                layers: regionLayer(model, map: r.grid.pixel(ofModelPoint:)).map { [$0] } ?? []))
        }
        doc.sections.append(registrationSection(s, unit: u))
        if let m = r.measurement {
            var rows = [
                Row(label: "area", value: "\(ReportNumber.sig(m.area, 3)) \(u)²", explain: "Of region “\(m.region)” (\(m.pixels) grid px, outline inset by 1 image px)."),
                Row(label: "dark/light threshold", value: ReportNumber.sig(m.threshold, 3), explain: "Otsu threshold pooled over all images; separability \(ReportNumber.fixed(m.separability, 2)) (1: two clean classes)."),
                Row(label: "light / dark level", value: "\(ReportNumber.sig(m.lightLevel, 3)) / \(ReportNumber.sig(m.darkLevel, 3))", explain: "Mean luminance of the two classes."),
            ]
            for k in m.darkFraction.indices {
                rows.append(Row(label: "image \(k): dark fraction", value: "\(ReportNumber.fixed(m.darkFraction[k] * 100, 2)) %",
                                explain: "Share of the region darker than the threshold; integrated darkness \(ReportNumber.sig(m.integratedDarkness[k], 3))."))
            }
            if let c = r.change {
                rows.append(Row(label: "change (last − first)", value: "\(ReportNumber.signed(c.darkFractionChangePoints, 2)) points",
                                explain: "Dark fraction \(ReportNumber.fixed(c.darkFractionBefore * 100, 2)) % → \(ReportNumber.fixed(c.darkFractionAfter * 100, 2)) %; integrated darkness \(ReportNumber.signed(c.integratedDarknessChangePct, 2)) %."))
            }
            doc.sections.append(.init(title: "Measurements in region “\(m.region)”", rows: rows))
        }
        if !profiles.isEmpty {
            let svg = AlignOutputs.profilePlot(profiles, names: frames.map(\.name), model: model).svg()
            doc.sections.append(.init(title: "Line profiles", text: "Luminance along each --profile line on the aligned images (solid: first image, dashed: later ones); the data are in profiles.csv.",
                                      svg: Data(svg.utf8).base64EncodedString()))
        }
        doc.footer = "AnchorReg \(AnchorRegVersion.string). Image coordinates: pixel centres at integers, x right, y down; the grid's pixel (0, 0) is model point (\(ReportNumber.sig(r.grid.origin.x, 4)), \(ReportNumber.sig(r.grid.origin.y, 4))) \(u)."
        return try ReportPage.html(doc)
    }

    /// A photograph with the model projected through its homography.
    static func photoView(_ k: Int, _ frame: AlignmentFrame, _ reg: DeviceRegistration, model: AnchorModel, unit: String) throws -> ReportDocument.View {
        let w = frame.luminance.width, h = frame.luminance.height
        var layers: [Layer] = []
        if let regions = regionLayer(model, map: reg.homography.apply) { layers.append(regions) }
        layers.append(Layer(id: "predicted", name: "model anchors H·Pm", color: "#3ddc5a", shape: "plus",
                            points: reg.pairs.flatMap { let p = reg.homography.apply($0.model); return [HTMLReport.round2(p.x), HTMLReport.round2(p.y)] }))
        let fields = ["anchor", "model (\(unit))", "residual", "fit"]
        for (inlier, id, name, colour) in [(true, "detected", "detected anchors", "#ff4040"), (false, "rejected", "rejected anchors", "#ff3df2")] {
            let set = reg.pairs.filter { $0.inlier == inlier }
            guard !set.isEmpty else { continue }
            layers.append(Layer(id: id, name: name, color: colour, shape: "dot",
                                points: set.flatMap { [HTMLReport.round2($0.image.x), HTMLReport.round2($0.image.y)] },
                                fields: fields,
                                records: set.map { p in
                                    [p.name, "\(ReportNumber.sig(p.model.x, 4)), \(ReportNumber.sig(p.model.y, 4))",
                                     "\(ReportNumber.sig((reg.homography.apply(p.model) - p.image).length, 2)) px", inlier ? "inlier" : "rejected"]
                                }))
        }
        let picture = try ReportPicture.rgb(frame.colour ?? frame.luminance.rendered(colorMap: .gray, range: try frame.luminance.percentileRange()))
        return ReportDocument.View(
            id: "photo-\(k)", title: "Image \(k): \(frame.name) with the model projected",
            caption: "\(w) × \(h) px. Scale bar from H at the image centre.",
            width: w, height: h, image: picture,
            length_per_px: modelLengthPerPixel(reg.homography, at: Point2(Double(w - 1) / 2, Double(h - 1) / 2)),
            length_unit: unit, layers: layers)
    }

    /// Model units spanned by one image pixel at `p` (the mean of the two axes).
    static func modelLengthPerPixel(_ h: Homography, at p: Point2) -> Double? {
        guard let inv = try? h.inverse() else { return nil }
        let o = inv.apply(p), dx = inv.apply(p + Point2(1, 0)), dy = inv.apply(p + Point2(0, 1))
        let v = ((dx - o).length + (dy - o).length) / 2
        return v.isFinite && v > 0 ? v : nil
    }

    static func regionLayer(_ model: AnchorModel, map: (Point2) -> Point2) -> Layer? {
        guard !model.regions.isEmpty else { return nil }
        var pts: [Double] = [], starts: [Int] = []
        for region in model.regions {
            starts.append(pts.count / 2)
            for v in region.polygon { let p = map(v); pts += [HTMLReport.round2(p.x), HTMLReport.round2(p.y)] }
        }
        return Layer(id: "regions", name: "model regions", color: "#ffd400", shape: "polygon", points: pts, starts: starts)
    }

    static func registrationSection(_ s: AlignSummary, unit u: String) -> ReportDocument.Section {
        let cells = s.frames.enumerated().map { k, f -> [String] in
            ["\(k)", f.file, "\(f.width) × \(f.height)", "\(f.anchors.count) (\(f.anchors.filter(\.inlier).count))",
             ReportNumber.sig(f.mae, 2), ReportNumber.fixed(f.recall, 2),
             ReportNumber.sig(f.rms_px, 2) + (f.trustworthy ? "" : " (too large)"), ReportNumber.sig(f.residual_limit_px, 2),
             ReportNumber.fixed(f.rotation_deg, 1), ReportNumber.fixed(f.normalisation.gain, 3),
             "\(ReportNumber.sig(f.normalisation.gradientX, 2)), \(ReportNumber.sig(f.normalisation.gradientY, 2))"]
        }
        return .init(title: "Registrations",
                     text: "MAE and recall: corrected anchors Pt = H⁻¹(detected) against the model's Pm (OKS scale: the smallest distance between paired anchors). Residual: RMS of the fit in image px, trusted up to the limit. Gain and gradient: the intensity normalisation I ≈ (g + gx·x + gy·y)·I₀ fitted on unchanged pixels outside the measured region; every image is divided by it.",
                     table: .init(columns: ["#", "file", "size px", "anchors (inliers)", "MAE \(u)", "recall OKS 0.95", "residual px",
                                            "limit px", "rotation °", "gain", "gradient x, y per \(u)"], cells: cells))
    }
}
