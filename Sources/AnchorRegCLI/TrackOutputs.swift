import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The files `track --out` writes: track.csv (`csv`), track.json (`json`), stack.tif
/// (`tiff`) and report.html (`html`).
enum TrackOutputs {
    /// Every file, in the order written.
    static let names = ["track.csv", "track.json", "stack.tif", "report.html"]
    /// The kinds of output `track` writes (and writes by default).
    static let kinds: OutputSelection = [.csv, .json, .tiff, .html]

    /// The files written for `selection`.
    static func names(_ selection: OutputSelection) -> [String] {
        zip(names, [OutputSelection.csv, .json, .tiff, .html]).filter { selection.contains($0.1) }.map(\.0)
    }

    static func f(_ x: Double?, _ fmt: String = "%.6g") -> String { x.map { String(format: fmt, $0) } ?? "" }

    /// One line for people.
    static func line(_ t: TrackedFrame) -> String {
        var s = String(format: "%3d  %8.1f s  %@", t.index, t.time, t.quality.status.rawValue)
        if let o = t.cellOffset { s += "  cell (0,0) = \(o) of frame 0" }
        if let d = t.drift { s += String(format: "  drift (%.3f, %.3f) nm", d.x, d.y) }
        if let v = t.driftVelocity { s += String(format: "  v (%.5f, %.5f) nm/s", v.x, v.y) }
        if let e = t.error { s += "  — \(e)" }
        return "\(s)  \(t.file)"
    }

    static func csv(_ frames: [TrackedFrame]) -> String {
        var s = "index,file,time_s,quality,cell_offset_i,cell_offset_j,cells_by,cells_agree,lattice_x_nm,lattice_y_nm,drift_x_nm,drift_y_nm,velocity_x_nm_per_s,velocity_y_nm_per_s,velocity_sigma_x_nm_per_s,velocity_sigma_y_nm_per_s,forecast_next_x_nm,forecast_next_y_nm,rotation_deg,fast_px_nm,shear_nm_per_px,slow_px_nm,creep_amplitude_nm,creep_tau,points,rms_residual_nm\n"
        for t in frames {
            let d = t.decomposition
            let file = t.file.contains(",") || t.file.contains("\"") ? "\"\(t.file.replacingOccurrences(of: "\"", with: "\"\""))\"" : t.file
            let fields: [String] = [
                "\(t.index)", file, f(t.time, "%.3f"), t.quality.status.rawValue,
                t.cellOffset.map { "\($0.i)" } ?? "", t.cellOffset.map { "\($0.j)" } ?? "",
                t.cellCheck?.used ?? "", t.cellCheck?.agree.map { $0 ? "true" : "false" } ?? "",
                f(t.latticePosition?.x), f(t.latticePosition?.y), f(t.drift?.x), f(t.drift?.y),
                f(t.driftVelocity?.x), f(t.driftVelocity?.y), f(t.driftVelocitySigma?.x), f(t.driftVelocitySigma?.y),
                f(t.forecastNextDrift?.x), f(t.forecastNextDrift?.y), f(d.map { $0.rotation * 180 / .pi }),
                f(d?.scan[0]), f(d?.scan[1]), f(d?.scan[2]), f(d?.creepAmplitude), f(d?.creepTau),
                d.map { "\($0.points)" } ?? "", f(d?.rmsResidual),
            ]
            s += fields.joined(separator: ",") + "\n"
        }
        return s
    }

    struct FullResult: Encodable {
        var model: String
        var unit: String
        var note = "lattice positions: frame 0's model origin in the scanner frame (nm, origin at the image centre, x right = fast axis, y down = slow axis) at each frame's centre time; cell_offset: the frame's cell (0, 0) in frame 0's numbering"
        @NullWhenAbsent var stack: StackInfo?
        var frames: [TrackedFrame]
    }

    struct StackInfo: Encodable {
        var file: String
        var origin: Point2
        var pixels_per_unit: Double
        var width: Int
        var height: Int
        var pages: [String]
    }

    /// Stages the files of `selection`; the stack pages are warped only for `tiff`, the
    /// thumbnails made only for `html`. stack.tif is written page by page as each frame is
    /// warped (`TIFFStackWriter`), so one page is in memory at a time, not the whole stack.
    /// - Throws: `CLIError.input` when a frame that was tracked can no longer be read for the
    ///   stack; `CLIError.output` when a file cannot be written.
    static func write(_ frames: [TrackedFrame], model: AnchorModel, input: ImageInputOptions, resolution: Double,
                      selection: OutputSelection, stage: OutputStage, progress: ProgressBar) throws {
        let lattice = model.lattice!
        let (stack, html) = (selection.contains(.tiff), selection.contains(.html))
        let grid = stack || html
            ? try? SeriesStack.grid(covering: frames, lattice: lattice, pixelsPerUnit: resolution, unit: model.unit) : nil
        // Every frame tied to frame 0's cells gets a page, in series order.
        let stacked = frames.filter { $0.cellOffset != nil }
        var info: StackInfo?
        if stack, let grid, !stacked.isEmpty {
            info = StackInfo(file: "stack.tif", origin: grid.origin, pixels_per_unit: grid.pixelsPerUnit,
                             width: grid.width, height: grid.height, pages: stacked.map(\.file))
        }
        if selection.contains(.csv) { try stage.write(text: csv(frames), to: "track.csv") }
        if selection.contains(.json) {
            try stage.write(try JSONOutput.encode(FullResult(model: model.name, unit: model.unit.rawValue, stack: info, frames: frames)),
                            to: "track.json")
        }
        var thumbs: [(TrackedFrame, Data?)] = frames.map { ($0, nil) }
        guard let grid else { return try writeReport(frames, thumbs: thumbs, model: model, html: html, stage: stage) }
        var writer: TIFFStackWriter?
        if info != nil {
            let file = try stage.open("stack.tif")
            writer = try TIFFStackWriter(pageCount: stacked.count) { try file.write($0) }
        }
        for (k, t) in frames.enumerated() {
            if t.cellOffset != nil, writer != nil || html {
                let image: Image
                do { image = try input.image(t.file) } catch {
                    guard writer == nil else { throw CLIError.input("\(t.file): cannot read it again for the stack: \(error)") }
                    progress.advance()
                    continue
                }
                let page = try SeriesStack.page(image, frame: t, grid: grid, lattice: lattice)
                try writer?.append(page, dateTime: CivilDateTime(secondsSinceEpoch: t.start))
                if html { thumbs[k].1 = try? thumbnail(page) }
            } else if html, let image = try? input.image(t.file) {
                thumbs[k].1 = try? thumbnail(image)
            }
            progress.advance()
        }
        try writer?.finish()
        try writeReport(frames, thumbs: thumbs, model: model, html: html, stage: stage)
    }

    /// Stages report.html when `html`.
    private static func writeReport(_ frames: [TrackedFrame], thumbs: [(TrackedFrame, Data?)], model: AnchorModel,
                                    html: Bool, stage: OutputStage) throws {
        if html { try stage.write(text: TrackReport.html(frames, thumbnails: thumbs, model: model.name), to: "report.html") }
    }

    /// A ≤ 160 px preview.
    static func thumbnail(_ image: Image) throws -> Data {
        let factor = max(1, (max(image.width, image.height) + 159) / 160)
        let small = factor > 1 ? try image.binned(by: factor) : image
        return try small.renderedPNG()
    }
}
