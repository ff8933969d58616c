import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// Options shared by `register`, `locate` and `match`.
struct FrameCommandOptions: ParsableArguments {
    @Option(name: .long, help: "Anchor model: a built-in name (see `anchorreg models`) or a model JSON file.")
    var model: String

    @Option(name: .long, help: "Point extraction: dark-keypoints, blobs or rectangle (default: the model's).")
    var extractor: String?

    @Option(name: .customLong("spacing-px"), help: "Anchor lattice constant in pixels (default: measured from the image).")
    var spacingPixels: Double?

    @Option(name: .long, help: "Direction of the model's first lattice vector in the image, degrees clockwise from +x (default: measured).")
    var rotation: Double?

    @Option(name: .long, help: "Shear a_x of Eq. 1, used with --spacing-px and --rotation.")
    var shear: Double?

    @Option(name: .long, help: "Robust estimator: \(HomographyEstimator.allCases.map(\.rawValue).joined(separator: ", ")).")
    var estimator: String = HomographyEstimator.default.rawValue

    @Flag(name: .customLong("no-level"), help: "Do not remove a plane and scan-line offsets first.")
    var noLevel = false

    @Flag(name: .customLong("allow-poor-fit"), help: "Write the result even when fewer than half the model anchors in the frame fit.")
    var allowPoorFit = false

    @Flag(name: .customLong("no-tolerant"), help: "Do not retry a refused frame on the tolerant path (median levelling, scan-line field, lattice domains; see docs/registration.md).")
    var noTolerant = false

    @Option(name: .customLong("max-pixels"), help: "Largest frame analysed at its own resolution, in pixels; a larger one is analysed, and written out, as a block-averaged copy (default 16777216 = 4096²).")
    var maxPixels: Int = AnalysisCopy.defaultMaxPixels

    func registrationOptions() throws -> RegistrationOptions {
        guard let est = HomographyEstimator(rawValue: estimator) else {
            throw ValidationError("unknown estimator \"\(estimator)\"; use one of \(HomographyEstimator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var kind: ExtractorKind? = nil
        if let extractor {
            guard let k = ExtractorKind(rawValue: extractor) else {
                throw ValidationError("unknown extractor \"\(extractor)\"; use one of \(ExtractorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = k
        }
        guard maxPixels >= 4096 else {
            throw ValidationError("--max-pixels must be at least 4096 (a 64 × 64 frame), got \(maxPixels)")
        }
        if let s = spacingPixels, !(s.isFinite && s > 2) {
            throw ValidationError("--spacing-px must be a number of pixels above 2, got \(s)")
        }
        var options = RegistrationOptions(extractor: kind, spacingPixels: spacingPixels, rotationDegrees: rotation,
                                          shear: shear, estimator: est, level: !noLevel, allowPoorFit: allowPoorFit)
        options.tolerantFallback = !noTolerant
        return options
    }

    func loadModel() throws -> AnchorModel {
        try AnchorModel.load(model)
    }
}

/// Reads the image of a frame command and analyses it.
struct FrameRun {
    let file: String
    let image: Image
    let analysis: FrameAnalysis
    let report: FrameReport
    /// The file's facts for report.html (channel, bias, setpoint, scan size, date).
    var fileInfo: [ReportDocument.Row] = []

    /// - Parameter progress: where the long searches of the registration are announced (see
    ///   `RegistrationOptions.progress`); nil: nowhere.
    static func run(file: String, input: ImageInputOptions, options: FrameCommandOptions, locateSites: Bool,
                    progress: ProgressBar? = nil) throws -> FrameRun {
        // "From file to sites": decoding the file is part of the timed span.
        var registrationOptions = try options.registrationOptions()
        if let progress { registrationOptions.progress = { progress.note($0) } }
        let wall0 = DispatchTime.now().uptimeNanoseconds, cpu0 = Double(threadCPUNanoseconds()) / 1e6
        let doc = try input.document(file)
        let channel = try input.selectedChannel(of: doc)
        // A frame beyond the analysis budget is analysed, and written out, as a binned copy, so
        // that every pixel coordinate of the outputs refers to the same image.
        let copy = try AnalysisCopy(of: channel.image, maxPixels: options.maxPixels)
        let image = copy.image
        if let note = copy.note { FileHandle.standardError.write(Data("\(file): note: \(note)\n".utf8)) }
        let readMs = Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e6
        let readCPUms = Double(threadCPUNanoseconds()) / 1e6 - cpu0
        let model = try options.loadModel()
        let analysis = try FrameAnalysis.analyse(image, model: model, options: registrationOptions, locateSites: locateSites)
        var filePixelSize: [Double]? = nil
        if let ps = image.pixelSize, let f = image.unit.factor(to: model.unit) {
            filePixelSize = [ps.x * f, ps.y * f]
        }
        var report = FrameReport(analysis, file: file, filePixelSize: filePixelSize, channel: channel.name)
        report.analysis_binning = copy.binning
        report.timings_ms["read"] = readMs
        report.timings_ms["total", default: 0] += readMs
        report.timings_ms["cpu_total", default: 0] += readCPUms
        return FrameRun(file: file, image: image, analysis: analysis, report: report,
                        fileInfo: FrameFileInfo.rows(file: file, document: doc, channel: channel))
    }

    /// A few lines for people.
    func summary(showSites: Bool) -> String {
        let r = report
        let m = r.metrics
        var lines: [String] = []
        lines.append("\(file): registered to \(r.model) with \(m.inliers)/\(m.anchors) anchors"
            + (m.anchors_in_view.map { " (\($0) in view)" } ?? "") + " (\(r.extractor) extractor, \(m.iterations) rounds)")
        lines.append(String(format: "  pixel size %.5g × %.5g %@/px measured", r.pixel_size[0], r.pixel_size[1], r.unit))
        if let f = r.file_pixel_size { lines.append(String(format: "  pixel size %.5g × %.5g %@/px in the file", f[0], f[1], r.unit)) }
        lines.append(String(format: "  rotation %.2f°, shear %.2f°, aspect %.4f", r.transform.rotation_deg, r.transform.shear_deg, r.transform.aspect_ratio))
        lines.append(String(format: "  MAE %.4g %@, recall@OKS0.95 %.3f, RMS %.3g px", m.mae, r.unit, m.recall, m.rms_px))
        if r.scan_field != nil {
            lines.append("  tolerant path: \(r.levelling) levelling, H plus a scan-line field")
        }
        lines.append(String(format: "  neighbour corner-hole spread %.4f before, %.4f after correction", m.neighbour_spread_before, m.neighbour_spread_after))
        for (k, d) in r.domains.enumerated() where k > 0 {
            lines.append(String(format: "  domain %d: lattice shifted by (%.3f, %.3f) cells, %d of %d anchors fit", k, d.shift_cells.x, d.shift_cells.y, d.inliers, d.anchors))
        }
        if showSites {
            lines.append("  \(m.sites) sites, \(m.defects) defects, \(r.cells.count) complete half cells")
            if let d = r.point_defects {
                lines.append("  point defects: \(d.vacancies) vacancies, \(d.substitutions) substitutions among \(d.classified) columns"
                    + (d.unclassified_sites.isEmpty ? "" : " (too faint to classify: \(d.unclassified_sites.joined(separator: ", ")))"))
            }
            if let h = r.halves {
                lines.append(h.faulted_group.map { "  faulted half: \($0) (t = \(String(format: "%.1f", h.t_statistic)))" } ?? "  faulted half: undecided (\(h.note ?? ""))")
            }
        }
        if let q = r.quality {
            lines.append("  quality: \(q.status.rawValue)" + (q.reasons.isEmpty ? "" : " — " + q.reasons.map(\.code).joined(separator: ", ")))
        }
        lines.append(String(format: "  analysis %.1f ms wall, %.1f ms CPU (read the file, register%@; in process)",
                            r.timings_ms["total"] ?? 0, r.timings_ms["cpu_total"] ?? 0, showSites ? ", locate sites" : ""))
        return lines.joined(separator: "\n")
    }
}
