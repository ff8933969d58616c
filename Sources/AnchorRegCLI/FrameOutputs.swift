import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// Writes the files of a `register` / `locate` run: result.json, the corrected image as a
/// calibrated float32 TIFF (lateral unit and value unit), a .gsf / .gwy for Gwyddion, and a PNG, the displacement field of the distortion model
/// (distortion.tif: pages dx, dy in model units), the overlay PNG, sites.csv / cells.csv, report.html.
struct FrameOutputs {
    let files: OutputFiles
    let analysis: FrameAnalysis
    let report: FrameReport
    let source: Image
    let inputName: String
    /// Verdict, file facts and ground truth for report.html.
    var reportExtras = HTMLReport.Extras()

    /// The files `write` writes for `selection`, in its order.
    static func fileNames(_ selection: OutputSelection, withSites: Bool) -> [String] {
        var names: [String] = []
        if selection.contains(.json) { names.append("result.json") }
        if selection.contains(.tiff) { names += ["corrected.tif", "distortion.tif"] }
        if selection.contains(.gsf) { names.append("corrected.gsf") }
        if selection.contains(.gwy) { names.append("corrected.gwy") }
        if selection.contains(.png) { names += ["corrected.png", "overlay.png"] }
        if selection.contains(.html) { names.append("report.html") }
        if withSites && selection.contains(.csv) { names += ["sites.csv", "cells.csv"] }
        return names
    }

    /// Writes the selected kinds of output; returns the paths written. The corrected image
    /// and the PNGs are made only when a selected output needs them (the report embeds its
    /// PNGs whether or not `.png` files are written). With a `stage`, the files are staged
    /// there (renamed into place by its `commit`) rather than written at once.
    func write(_ selection: OutputSelection, resolution: Double?, withSites: Bool, stage: OutputStage? = nil) throws -> [String] {
        guard !selection.isEmpty else { return [] }
        try files.prepare()
        var written: [String] = []
        let files = stage.map(FileSink.stage) ?? .files(self.files)
        if selection.contains(.json) {
            written.append(try files.write(JSONOutput.encodeStreaming(report), to: "result.json"))
        }
        if !selection.isDisjoint(with: [.tiff, .gsf, .gwy, .png, .html]) {
            let corrected = try analysis.corrected(source: analysis.levelled, pixelsPerUnit: resolution)
            // Each image's display range once (a pass over its samples), shared by the PNGs
            // and the report.
            let shown = !selection.isDisjoint(with: [.png, .html])
            let inputRange = shown ? try analysis.levelled.percentileRange() : nil
            let correctedRange = shown ? try corrected.percentileRange() : nil
            if selection.contains(.tiff) {
                written.append(try files.write(TIFFWriter.encode(corrected), to: "corrected.tif"))
                let field = try analysis.distortionField(width: source.width, height: source.height)
                written.append(try files.write(TIFFWriter.encode(pages: [field.dx, field.dy]), to: "distortion.tif"))
            }
            if selection.contains(.gsf) {
                written.append(try files.write(GwyddionGSF.write(corrected, title: gwyddionTitle), to: "corrected.gsf"))
            }
            if selection.contains(.gwy) {
                written.append(try files.write(GwyddionGWY.write(corrected, title: gwyddionTitle), to: "corrected.gwy"))
            }
            if selection.contains(.png) {
                let correctedPNG = try corrected.renderedPNG(colorMap: .afmhot, range: correctedRange)
                written.append(try files.write(correctedPNG, to: "corrected.png"))
                written.append(try files.write(try overlayImage(range: inputRange).pngData(), to: "overlay.png"))
            }
            if selection.contains(.html) {
                let html = try HTMLReport.frame(report: report, analysis: analysis, inputName: inputName, corrected: corrected,
                                                correctedGrid: try? analysis.correctedGrid(width: analysis.levelled.width, height: analysis.levelled.height,
                                                                                           pixelsPerUnit: resolution),
                                                extras: reportExtras, ranges: inputRange.flatMap { i in correctedRange.map { (i, $0) } })
                written.append(try files.write(text: html, to: "report.html"))
            }
        }
        if withSites && selection.contains(.csv) {
            written.append(try files.write(text: sitesCSV(), to: "sites.csv"))
            written.append(try files.write(text: cellsCSV(), to: "cells.csv"))
        }
        return written
    }

    /// Title of the corrected image in .gsf/.gwy files: the input file and its channel
    /// ("Si_7x7_028.sxm — Z (forward)"), or the file alone when it has no channel name.
    var gwyddionTitle: String {
        let name = (inputName as NSString).lastPathComponent
        guard let c = report.channel, !c.isEmpty else { return name }
        return "\(name) — \(c)"
    }

    /// Where `write` puts its files: at once, or into a stage.
    enum FileSink {
        case files(OutputFiles)
        case stage(OutputStage)

        func write(_ data: Data, to name: String) throws -> String {
            switch self {
            case .files(let f): return try f.write(data, to: name)
            case .stage(let s): return try s.write(data, to: name)
            }
        }

        func write(text: String, to name: String) throws -> String { try write(Data(text.utf8), to: name) }
    }

    /// The input with detected (grey), vote-filtered (yellow), rough-placed (cyan +), fitted
    /// anchors H(P_m) (red ○; blue ○ in further lattice domains; orange: outliers; with the
    /// scan-line field when the registration has one), and sites (green dots present,
    /// magenta × defects).
    func overlayImage(range: ClosedRange<Float>? = nil) throws -> RGBImage {
        let img = analysis.levelled
        var rgb = img.rendered(colorMap: .gray, range: try range ?? img.percentileRange())
        let r = analysis.registration
        let scale = max(2, Double(min(img.width, img.height)) / 200)
        for p in r.detected { rgb.drawDot(at: p, radius: 0.6 * scale, color: RGBColor(150, 150, 150), opacity: 0.8) }
        for p in r.filtered { rgb.drawDot(at: p, radius: 0.8 * scale, color: .yellow) }
        for a in r.anchors {
            rgb.drawCross(at: r.affine.apply(a.model), size: 1.5 * scale, color: .cyan)
            // Second and further lattice domains (another terrace) in blue.
            let colour: RGBColor = (a.domain ?? 0) > 0 ? (a.inlier ? .blue : .orange) : (a.inlier ? .red : .orange)
            rgb.drawCircle(center: r.predictedImage(ofModel: a.model, domain: a.domain ?? 0), radius: 2 * scale, color: colour, lineWidth: 1)
        }
        for s in analysis.sites {
            if s.present {
                rgb.drawDot(at: s.image, radius: 0.7 * scale, color: .green, opacity: 0.9)
            } else {
                rgb.drawCross(at: s.image, size: 1.5 * scale, color: .magenta, lineWidth: 1.5, diagonal: true)
            }
        }
        return rgb
    }

    func sitesCSV() -> String { FrameTables.sites(analysis) }

    func cellsCSV() -> String { FrameTables.cells(analysis) }
}
