import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The interactive `report.html` of `register`, `locate` and `demo`: the levelled input with
/// every stage of the registration as a layer, the corrected image on the model's grid with
/// its colour bar, the key figures explained, and the defect table whose rows centre the view
/// on their cell. One self-contained file (`ReportPage`): no network, no external script.
enum HTMLReport {
    typealias Row = ReportDocument.Row
    typealias Layer = ReportDocument.Layer

    /// What the page shows besides the registration itself.
    struct Extras {
        /// "register", "locate" or "demo".
        var kind = "register"
        /// The result's verdict, when the pipeline gives one.
        var verdict: Verdict? = nil
        /// Facts about the file (see `FrameFileInfo`).
        var fileInfo: [Row] = []
        /// The demo's check against its ground truth.
        var groundTruth: [Row] = []
    }

    /// - Parameter ranges: the display ranges (`percentileRange()`) of the levelled input and
    ///   of `corrected` when the caller has them already (nil: computed here).
    static func frame(report r: FrameReport, analysis: FrameAnalysis, inputName: String, corrected: Image,
                      correctedGrid: OutputGrid?, extras: Extras = .init(),
                      ranges: (input: ClosedRange<Float>, corrected: ClosedRange<Float>)? = nil) throws -> String {
        var doc = ReportDocument(kind: extras.kind, title: "AnchorReg \(extras.kind): \((inputName as NSString).lastPathComponent) → \(r.model)")
        doc.verdict = extras.verdict ?? r.quality
        doc.metadata = extras.fileInfo
        let u = r.unit
        let levelled = analysis.levelled
        let inputFactor = ReportPicture.factor(width: levelled.width, height: levelled.height)
        if inputFactor > 1 {
            doc.notes.append("The \(levelled.width) × \(levelled.height) px input is shown as an overview reduced \(inputFactor)× (block means) and a full-resolution detail of its centre; markers and coordinates keep the full-resolution pixels. The full-resolution data are in corrected.tif and result.json.")
        }
        let inputRange = try ranges?.input ?? levelled.percentileRange()
        try addWithDetail(&doc, try inputView(r, analysis: analysis, range: inputRange), source: levelled, map: .gray,
                          range: inputRange, id: "input_detail", title: "Input (levelled), full-resolution detail")
        if let grid = correctedGrid {
            let range = try ranges?.corrected ?? corrected.percentileRange()
            try addWithDetail(&doc, try correctedView(r, analysis: analysis, corrected: corrected, grid: grid, range: range),
                              source: corrected, map: .afmhot, range: range, id: "corrected_detail",
                              title: "Corrected image, full-resolution detail")
        }
        doc.sections.append(.init(title: "Key figures", rows: keyFigures(r, analysis: analysis)))
        if !extras.groundTruth.isEmpty {
            doc.sections.append(.init(title: "Against the ground truth (synthetic frame)",
                                      text: "The demo frame is synthetic, so the true positions, defects and faulted half are known.",
                                      rows: extras.groundTruth))
        }
        let h = r.homography.normalized()
        doc.sections.append(.init(
            title: "Transform H (model \(u) → image pixels)",
            text: "Maps a model point (x, y, 1) to image pixels; normalised so that h₃₃ = 1.",
            table: .init(columns: ["", "x", "y", "1"],
                         cells: zip(["u", "v", "w"], h.rows).map { [$0.0] + $0.1.map { ReportNumber.sig($0, 6) } })))
        if r.scan_field != nil {
            var s = ReportDocument.Section(
                title: "Tolerant registration",
                text: "The standard fit (one homography, one plane) did not fit this frame. It was levelled with a local median background (\(r.levelling)) and fitted with H plus a displacement of every scan line (offset and rate along the line, and one fast-axis profile): drift and creep beyond a homography. The layer “distortion field” shows that displacement.")
            if r.domains.count > 1 {
                s.table = .init(columns: ["domain", "shift (cells of a1, a2)", "shift (\(u))", "anchors / fit"],
                                cells: r.domains.enumerated().map { k, d in
                                    ["\(k)", "\(ReportNumber.fixed(d.shift_cells.x, 2)), \(ReportNumber.fixed(d.shift_cells.y, 2))",
                                     "\(ReportNumber.sig(d.shift.x)), \(ReportNumber.sig(d.shift.y))", "\(d.anchors) / \(d.inliers)"]
                                })
            }
            doc.sections.append(s)
        }
        if let hv = r.halves {
            let text: String
            if let g = hv.faulted_group {
                text = "Half \(g) is the faulted one (brighter in filled states). Welch t = \(ReportNumber.signed(hv.t_statistic, 1)) over \(hv.cells_used) cells: the brightness difference of half A minus half B in units of its standard error (positive: A brighter; |t| ≥ 3 is a clear decision). Confidence \(ReportNumber.fixed(hv.confidence, 3))."
            } else {
                text = "Undecided: \(hv.note ?? "the two halves are not told apart"). Welch t = \(ReportNumber.signed(hv.t_statistic, 1)) over \(hv.cells_used) cells (A minus B in standard errors; |t| ≥ 3 would decide)."
            }
            doc.sections.append(.init(title: "Faulted half", text: text))
        }
        if !analysis.cells.isEmpty {
            doc.sections.append(defectSection(analysis))
        }
        doc.sections.append(.init(title: "Timings", rows: ["read", "level", "lattice", "extract", "vote", "rough", "fine", "sites", "total"].compactMap { k in
            r.timings_ms[k].map { Row(label: k, value: "\(ReportNumber.sig($0, 2)) ms") }
        }))
        doc.footer = "AnchorReg \(AnchorRegVersion.string). Image coordinates: pixel centres at integers, x right, y down. Method after Diao et al., Sci. Rep. 15, 13486 (2025)."
        return try ReportPage.html(doc)
    }

    // MARK: views

    /// Adds `view`; when its picture is a reduced overview of `source`, the overview keeps
    /// only its sparse layers (`ReportDetail.thinned`) and a full-resolution detail of the
    /// centre follows it (`ReportDetail.view`).
    static func addWithDetail(_ doc: inout ReportDocument, _ view: ReportDocument.View, source: Image, map: ColorMap,
                              range: ClosedRange<Float>, id: String, title: String) throws {
        guard view.image.scale > 1 else { return doc.add(view) }
        let detail = try ReportDetail.view(of: view, source: source, map: map, range: range, id: id, title: title)
        var (overview, note) = ReportDetail.thinned(view)
        overview.title += ", overview"
        overview.caption += " Shown reduced \(view.image.scale)× (block means); the full-resolution detail of the centre follows." + (note.map { " " + $0 } ?? "")
        doc.add(overview)
        doc.add(detail)
    }

    static func inputView(_ r: FrameReport, analysis: FrameAnalysis, range: ClosedRange<Float>? = nil) throws -> ReportDocument.View {
        let img = analysis.levelled
        let range = try range ?? img.percentileRange()
        let reg = analysis.registration
        var layers: [Layer] = []
        func flat(_ pts: [Point2]) -> [Double] { pts.flatMap { [round2($0.x), round2($0.y)] } }
        if !reg.detected.isEmpty {
            layers.append(Layer(id: "extracted", name: "extracted points", color: "#b4b4b4", shape: "dot", visible: false,
                                points: flat(reg.detected)))
        }
        if !reg.filtered.isEmpty {
            layers.append(Layer(id: "vote_kept", name: "kept by the vote filter", color: "#ffe14d", shape: "dot", visible: false,
                                points: flat(reg.filtered)))
        }
        if !reg.anchors.isEmpty {
            layers.append(Layer(id: "rough", name: "rough placement A·Pm", color: "#33e0ff", shape: "plus", visible: false,
                                points: flat(reg.anchors.map { reg.affine.apply($0.model) })))
        }
        let fields = ["object", "model (\(r.unit))", "residual", "domain"]
        for (inlier, id, name, colour) in [(true, "anchors", "fitted anchors H·Pm", "#ff4040"), (false, "outliers", "outlier anchors", "#ff9d1a")] {
            let set = reg.anchors.filter { $0.inlier == inlier }
            guard !set.isEmpty else { continue }
            layers.append(Layer(id: id, name: name, color: colour, shape: "ring",
                                points: flat(set.map { reg.predictedImage(ofModel: $0.model, domain: $0.domain ?? 0) }),
                                fields: fields,
                                records: set.map { a in
                                    [inlier ? "anchor (inlier)" : "anchor (outlier)",
                                     "\(ReportNumber.sig(a.model.x, 4)), \(ReportNumber.sig(a.model.y, 4))",
                                     "\(ReportNumber.sig(a.residual, 2)) px", "\(a.domain ?? 0)"]
                                }))
        }
        layers += siteLayers(analysis.sites, position: \.image)
        if let cells = cellLabels(analysis.sites, cells: analysis.cells, position: \.image) { layers.append(cells) }
        if let axes = originAxes(analysis, map: { reg.homography.apply($0) }) { layers.append(axes) }
        if r.domains.count > 1 {
            let set = reg.anchors.filter { ($0.domain ?? 0) > 0 }
            if !set.isEmpty {
                layers.append(Layer(id: "domains", name: "lattice domains (anchors of domain ≥ 1)", color: "#7aa7ff", shape: "label",
                                    points: flat(set.map { reg.predictedImage(ofModel: $0.model, domain: $0.domain ?? 0) }),
                                    labels: set.map { "D\($0.domain ?? 0)" }))
            }
        }
        if let field = distortionLayer(r.scan_field, width: img.width, height: img.height) { layers.append(field) }
        let ps = (r.pixel_size[0] + r.pixel_size[1]) / 2
        return ReportDocument.View(
            id: "input", title: "Input (levelled)",
            caption: "The frame as analysed, \(img.width) × \(img.height) px. Scale bar from the measured pixel size (\(ReportNumber.sig(ps, 4)) \(r.unit)/px at the centre). Hover or click a marker for its name, cell, half, score and residual.",
            width: img.width, height: img.height,
            image: try ReportPicture.gray(img, map: .gray, range: range),
            length_per_px: ps.isFinite && ps > 0 ? ps : nil, length_unit: r.unit,
            colorbar: .init(label: "height (levelled)", lut: ReportPicture.lut(.gray), min: Double(range.lowerBound),
                            max: Double(range.upperBound), unit: img.valueUnit),
            layers: layers)
    }

    static func correctedView(_ r: FrameReport, analysis: FrameAnalysis, corrected: Image, grid: OutputGrid,
                              range: ClosedRange<Float>? = nil) throws -> ReportDocument.View {
        let range = try range ?? corrected.percentileRange()
        var layers = siteLayers(analysis.sites, position: \.model, map: grid.pixel(ofModelPoint:), idSuffix: "_model")
        if let cells = cellLabels(analysis.sites, cells: analysis.cells, position: \.model, map: grid.pixel(ofModelPoint:), id: "cell_labels_model") {
            layers.append(cells)
        }
        if let axes = originAxes(analysis, map: grid.pixel(ofModelPoint:), id: "origin_model") { layers.append(axes) }
        return ReportDocument.View(
            id: "corrected", title: "Corrected image (model grid, absolute scale)",
            caption: "Resampled through H onto the model's grid: \(corrected.width) × \(corrected.height) px, \(ReportNumber.sig(1 / grid.pixelsPerUnit, 4)) \(r.unit) per pixel. Sites are drawn at their ideal model positions. Outside the frame there are no data (checkerboard).",
            width: corrected.width, height: corrected.height,
            image: try ReportPicture.gray(corrected, map: .afmhot, range: range),
            length_per_px: 1 / grid.pixelsPerUnit, length_unit: r.unit,
            colorbar: .init(label: "height", lut: ReportPicture.lut(.afmhot), min: Double(range.lowerBound),
                            max: Double(range.upperBound), unit: corrected.valueUnit),
            layers: layers)
    }

    /// Present sites (green dots) and defects (magenta ×) with what a hover shows.
    static func siteLayers(_ sites: [LocatedSite], position: KeyPath<LocatedSite, Point2>,
                           map: (Point2) -> Point2 = { $0 }, idSuffix: String = "") -> [Layer] {
        let fields = ["site", "cell (i, j)", "half", "score", "residual"]
        var out: [Layer] = []
        for (present, id, name, colour, shape) in [(true, "sites_present", "sites present", "#3ddc5a", "dot"),
                                                   (false, "sites_defect", "sites with a defect", "#ff3df2", "x")] {
            let set = sites.filter { $0.present == present }
            guard !set.isEmpty else { continue }
            var layer = Layer(id: id + idSuffix, name: name, color: colour, shape: shape,
                             points: set.flatMap { let p = map($0[keyPath: position]); return [round2(p.x), round2(p.y)] },
                             fields: fields,
                             records: set.map { s in
                                 [s.name + (s.index.map { " (\($0))" } ?? ""), "(\(s.cell.i), \(s.cell.j))",
                                  halfText(s.half, group: s.group), "\(ReportNumber.signed(s.score, 1)) σ",
                                  "\(ReportNumber.sig((s.image - s.predicted).length, 2)) px"]
                             })
            // The same sites in the same order on both images: one record set.
            layer.share = id
            out.append(layer)
        }
        return out
    }

    static func halfText(_ half: String?, group: String?) -> String {
        switch (half, group) {
        case let (h?, g?): "\(g), \(h)"
        case let (nil, g?): "\(g) (faulted half undecided)"
        case let (h?, nil): h
        default: "—"
        }
    }

    /// "(i, j)" at the centre of every cell that has sites; a hover shows the cell's half-cell
    /// codes.
    static func cellLabels(_ sites: [LocatedSite], cells: [CellCode], position: KeyPath<LocatedSite, Point2>,
                           map: (Point2) -> Point2 = { $0 }, id: String = "cell_labels") -> Layer? {
        let centres = cellCentres(sites, position: position, byHalf: false)
        guard !centres.isEmpty else { return nil }
        let codes = Dictionary(grouping: cells, by: { "\($0.cell.i),\($0.cell.j)" })
        // Labels of hundreds of cells hide the image: then they start hidden.
        var layer = Layer(id: id, name: "cell labels (i, j)", color: "#ffffff", shape: "label", visible: centres.count <= 200,
                     points: centres.flatMap { let p = map($0.centre); return [round2(p.x), round2(p.y)] },
                     labels: centres.map { "(\($0.cell.i), \($0.cell.j))" },
                     fields: ["cell (i, j)", "half cells", "defects"],
                     records: centres.map { c in
                         let mine = codes["\(c.cell.i),\(c.cell.j)"] ?? []
                         let text = mine.isEmpty ? "incomplete (at the frame's edge)"
                             : mine.map { "\(halfText($0.half, group: $0.group)) \($0.bits)" }.joined(separator: "; ")
                         return ["(\(c.cell.i), \(c.cell.j))", text, "\(mine.reduce(0) { $0 + $1.defects })"]
                     })
        layer.share = "cell_labels"
        return layer
    }

    /// The mean position of the sites of each cell (or each half cell), in a fixed order.
    static func cellCentres(_ sites: [LocatedSite], position: KeyPath<LocatedSite, Point2>, byHalf: Bool)
        -> [(cell: CellIndex, group: String?, centre: Point2)] {
        var sums: [String: (CellIndex, String?, Point2, Int)] = [:]
        var order: [String] = []
        for s in sites {
            let key = "\(s.cell.i),\(s.cell.j)" + (byHalf ? ",\(s.group ?? "")" : "")
            if sums[key] == nil { order.append(key); sums[key] = (s.cell, byHalf ? s.group : nil, Point2(0, 0), 0) }
            sums[key]!.2 = sums[key]!.2 + s[keyPath: position]
            sums[key]!.3 += 1
        }
        return order.map { k in let v = sums[k]!; return (v.0, v.1, v.2 * (1 / Double(v.3))) }
    }

    /// The lattice origin (cell (0, 0)) and the cell vectors a1, a2 as arrows.
    static func originAxes(_ analysis: FrameAnalysis, map: (Point2) -> Point2, id: String = "origin") -> Layer? {
        guard let lattice = analysis.model.lattice else { return nil }
        let o = map(Point2(0, 0)), e1 = map(lattice.a1), e2 = map(lattice.a2)
        guard o.isFinite, e1.isFinite, e2.isFinite else { return nil }
        return Layer(id: id, name: "origin of cell (0, 0) and a1, a2", color: "#ffffff", shape: "arrow",
                     points: [o.x, o.y, o.x, o.y], labels: ["a1", "a2"],
                     vectors: [e1.x - o.x, e1.y - o.y, e2.x - o.x, e2.y - o.y], gain: 1)
    }

    /// The scan-line field as arrows on a coarse grid, lengthened so the largest is about half
    /// the grid step.
    static func distortionLayer(_ field: FrameReport.ScanField?, width: Int, height: Int) -> Layer? {
        guard let f = field, !f.line_offsets.isEmpty else { return nil }
        let step = max(12, max(width, height) / 16)
        var pts: [Double] = [], vec: [Double] = []
        var longest = 0.0
        for y in stride(from: step / 2, to: min(height, f.line_offsets.count), by: step) {
            for x in stride(from: step / 2, to: width, by: step) {
                var d = f.line_offsets[y] + f.line_slopes[y] * Double(x)
                if x < f.column_profile.count { d = d + f.column_profile[x] }
                guard d.isFinite else { continue }
                pts += [Double(x), Double(y)]
                vec += [round2(d.x), round2(d.y)]
                longest = max(longest, d.length)
            }
        }
        guard !pts.isEmpty, longest > 0 else { return nil }
        let gain = (Double(step) * 0.45 / longest).rounded(.up)
        return Layer(id: "distortion", name: "distortion field (scan lines, arrows ×\(Int(gain)))", color: "#00e5a0",
                     shape: "arrow", points: pts, vectors: vec, gain: gain)
    }

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    // MARK: sections

    static func keyFigures(_ r: FrameReport, analysis: FrameAnalysis) -> [Row] {
        let u = r.unit, t = r.transform, m = r.metrics
        var rows: [Row] = [
            Row(label: "pixel size, measured (x, y)", value: "\(ReportNumber.sig(r.pixel_size[0], 4)), \(ReportNumber.sig(r.pixel_size[1], 4)) \(u)/px",
                explain: "From H at the image centre: what one pixel really spans on the sample."),
        ]
        if let f = r.file_pixel_size {
            rows.append(Row(label: "pixel size in the file (x, y)", value: "\(ReportNumber.sig(f[0], 4)), \(ReportNumber.sig(f[1], 4)) \(u)/px",
                            explain: "The scanner's calibration; the difference to the measured size is drift and piezo error."))
        }
        rows += [
            Row(label: "aspect ratio", value: ReportNumber.fixed(t.aspect_ratio, 3),
                explain: "Scale along model x over scale along model y; 1 means no anisotropic stretch (drift stretches one axis)."),
            Row(label: "rotation", value: "\(ReportNumber.fixed(t.rotation_deg, 2))°", explain: "Of the model's x axis in the image, clockwise on screen."),
            Row(label: "shear", value: "\(ReportNumber.signed(t.shear_deg, 2))°",
                explain: "Angle between the imaged model axes minus 90°: drift along the slow scan axis."),
            Row(label: "perspective (g, h)", value: "\(ReportNumber.sig(t.perspective[0], 2)), \(ReportNumber.sig(t.perspective[1], 2))",
                explain: "The projective row of H; near 0 for a scan without creep or tilt."),
            Row(label: "MAE", value: "\(ReportNumber.sig(m.mae, 2)) \(u)",
                explain: "Mean distance between the corrected anchors Pt = H⁻¹(Pe) and the model's Pm (paper Eq. 6)."),
            Row(label: "recall at OKS \(ReportNumber.fixed(m.oks_threshold, 2))", value: ReportNumber.fixed(m.recall, 3),
                explain: "Share of anchors whose object keypoint similarity (s = \(ReportNumber.sig(m.oks_scale, 3)) \(u), k = \(ReportNumber.sig(m.oks_k, 2))) exceeds the threshold."),
            Row(label: "RMS residual", value: "\(ReportNumber.sig(m.rms_px, 2)) px", explain: "Root mean square distance between the fitted and the found anchors."),
            Row(label: "anchors paired / inliers", value: "\(m.anchors) / \(m.inliers)" + (m.anchors_in_view.map { " (\($0) in view)" } ?? ""),
                explain: "Model anchors matched to a detected point, and those the robust fit kept."),
            Row(label: "points extracted / after the vote filter", value: "\(m.detected_points) / \(m.filtered_points)",
                explain: "Candidate anchor points found by the \(r.extractor) extractor, and those the lattice vote kept."),
            Row(label: "re-pairing rounds", value: "\(m.iterations)", explain: "Predict → pair → fit rounds until the pairs stopped changing."),
            Row(label: "spread of neighbour distances", value: "\(ReportNumber.sig(m.neighbour_spread_before, 2)) → \(ReportNumber.sig(m.neighbour_spread_after, 2))",
                explain: "Relative spread of the distances between neighbouring anchors before → after correction (paper Fig. 7c); smaller is more regular."),
        ]
        if let h = m.neighbour_spread_after_homography_only {
            rows.append(Row(label: "the same after H alone", value: ReportNumber.sig(h, 2), explain: "Without the scan-line field: what a single homography leaves."))
        }
        if m.sites > 0 {
            rows.append(Row(label: "sites located / defects", value: "\(m.sites) / \(m.defects)",
                            explain: "Object sites of the model inside the frame, and those whose score calls them missing or dark."))
        }
        return rows
    }

    /// Half cells with at least one missing site; each row centres the input view on its half cell.
    static func defectSection(_ analysis: FrameAnalysis) -> ReportDocument.Section {
        let centres = Dictionary(cellCentres(analysis.sites, position: \.image, byHalf: true).map { ("\($0.cell.i),\($0.cell.j),\($0.group ?? "")", $0.centre) },
                                 uniquingKeysWith: { a, _ in a })
        let defective = analysis.cells.filter { $0.defects > 0 }
        var cells: [[String]] = [], focus: [[Double]?] = []
        for c in defective {
            let missing = c.bits.enumerated().filter { $0.element == "0" }.map { "\($0.offset + 1)" }.joined(separator: ", ")
            cells.append(["(\(c.cell.i), \(c.cell.j))", halfText(c.half, group: c.group), c.bits, missing])
            focus.append(centres["\(c.cell.i),\(c.cell.j),\(c.group)"].map { [round2($0.x), round2($0.y)] })
        }
        return .init(title: "Cells with defects (\(defective.count) of \(analysis.cells.count) half cells)",
                     text: "Bits: one per site of the half cell (1 present, 0 missing or dark), in the model's site order. Click a row to centre the input image on that half cell.",
                     table: .init(columns: ["cell (i, j)", "half", "bits", "missing sites"], cells: cells, focus: focus,
                                  focus_view: "input", id: "defects"))
    }
}
