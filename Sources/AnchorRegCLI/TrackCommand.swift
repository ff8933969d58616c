import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg track FRAMES…|DIR --model M`: follow a series of frames in time.
struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Follow the same unit cells through a series of frames: drift, drift velocity and a forecast of the next frame's offset.",
        discussion: """
            Orders the frames by the acquisition time in their headers (.sxm REC_DATE/REC_TIME \
            with ACQ_TIME and SCAN_DIR, TIFF DateTime; the file time as a last resort), \
            registers each, splits its geometry into lattice rotation, an upper-triangular scan \
            matrix (fast/slow axes) and creep, ties its cells to frame 0's numbering (drift \
            forecast, confirmed by the defect codes) and reports per frame the lattice position \
            in the scanner frame (nm), the drift since the previous frame, the drift velocity \
            with its uncertainty, the creep and a forecast of the next frame's drift. \
            With --out: track.csv, track.json, stack.tif (corrected frames on one absolute grid, \
            one calibrated float32 page per frame) and report.html, or the kinds --outputs \
            names (csv, json, tiff, html); --json alone writes no file. The folder is claimed \
            and existing files refused (without --force) before any frame is read. --json prints \
            {"frames": [{"file", "time_s", "quality", "drift_nm", "drift_velocity_nm_per_s", \
            "drift_velocity_sigma_nm_per_s", "forecast_next_drift_nm", "cell_offset"}]}. \
            See docs/series.md.

            Examples:
              anchorreg synth si7x7 --seed 6 --size 256 --fov-nm 12 \\
                  --series 5 --interval 40 --out series6
              anchorreg track series6 --model si111-7x7 --out track6
              anchorreg track series6/frame_000.tiff series6/frame_001.tiff \\
                  series6/frame_002.tiff --model si111-7x7 --json
            """)

    @Argument(help: "Frame files, or one directory holding them.")
    var inputs: [String]

    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions

    @Option(name: .customLong("frame-time"), help: "Time to record one frame, s, when the headers do not say (default: the median gap between frame starts).")
    var frameTime: Double?
    @Option(name: .customLong("stack-resolution"), help: "Pixels per model unit of the stacked frames (default: about the frames'; the stack's side is kept ≤ 2048 px).")
    var stackResolution: Double?
    @Option(help: "Output directory (track.csv, track.json, stack.tif, report.html).") var out: String?
    @Option(name: .long, help: ArgumentHelp(
        "Which files to write into --out: a comma-separated list of csv (track.csv), json (track.json), "
            + "tiff (stack.tif), html (report.html), or none, all. Default: all four; with --json alone, none.",
        valueName: "kinds"))
    var outputs: String?
    @Flag(help: "Overwrite existing files.") var force = false
    @OptionGroup var progress: ProgressOptions
    @Flag(help: "Print the machine contract as JSON on standard output (and write no file unless --outputs asks).") var json = false

    /// The files this run writes.
    func selection() throws -> OutputSelection {
        try OutputSelection.resolve(outputs, json: json, defaults: TrackOutputs.kinds, supported: TrackOutputs.kinds,
                                    command: "track")
    }

    func validate() throws {
        if out == nil && !json { throw ValidationError("give --out DIR, --json, or both") }
        let selection = try selection()
        if out == nil, !selection.isEmpty { throw ValidationError("--outputs needs --out DIR") }
        if let f = frameTime, !(f.isFinite && f > 0) { throw ValidationError("--frame-time must be a positive number of seconds") }
        if let r = stackResolution, !(r.isFinite && r > 0) { throw ValidationError("--stack-resolution must be positive") }
    }

    func run() throws {
        let files = try SeriesFiles.list(inputs)
        let selection = try selection()
        guard let out, !selection.isEmpty else { return try track(files, selection: [], stage: nil) }
        // The folder is claimed and its files checked before any frame is read; they are
        // renamed into place only when the whole series has been tracked.
        let written = try OutputFiles(directory: out, force: force).transaction(TrackOutputs.names(selection)) { stage in
            try track(files, selection: selection, stage: stage)
        }.written
        if !json { print("wrote \(written.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")) to \(out)") }
    }

    /// Tracks the series, stages the selected files and prints the result.
    func track(_ files: [String], selection: OutputSelection, stage: OutputStage?) throws {
        let model = try frame.loadModel()
        let options = try frame.registrationOptions()
        var timings: [(file: String, timing: AcquisitionTiming)] = []
        for f in files {
            let doc = try input.document(f)
            guard let t = AcquisitionTiming.of(document: doc, path: f) else {
                throw CLIError.input("\(f): no acquisition time in the header and no file time")
            }
            timings.append((f, t))
        }
        let ordered = SeriesOrder.order(timings, frameTime: frameTime)
        let imaging = !selection.isDisjoint(with: [.tiff, .html])
        let bar = ProgressBar(total: ordered.count * (imaging ? 2 : 1), label: "track", policy: progress.policy)
        var tracker = try SeriesTracker(model: model)
        var resolution = stackResolution
        for e in ordered {
            let result = Result<FrameAnalysis, any Error> {
                let image = try input.image(e.file)
                try AnalysisCopy.requireWithinBudget(image)
                return try FrameAnalysis.analyse(image, model: model, options: options, locateSites: true)
            }
            if resolution == nil, case .success(let a) = result { resolution = a.defaultResolution }
            tracker.add(file: e.file, timing: e.timing, frameTime: e.frameTime, analysis: result)
            bar.advance()
        }
        tracker.refineOffline()
        let frames = tracker.frames
        if let stage {
            try TrackOutputs.write(frames, model: model, input: input, resolution: resolution ?? 20,
                                   selection: selection, stage: stage, progress: bar)
        }
        bar.finish()
        if json {
            try JSONOutput.print(TrackContract(frames: frames.map(TrackContract.Frame.init)))
        } else {
            for f in frames {
                print(TrackOutputs.line(f))
            }
        }
    }
}

/// The files of a series: the arguments, or the image files of one directory (by name).
enum SeriesFiles {
    static func list(_ inputs: [String]) throws -> [String] {
        guard !inputs.isEmpty else { throw CLIError.usage("give the frame files or a directory") }
        var isDir: ObjCBool = false
        if inputs.count == 1, FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isDir), isDir.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: inputs[0])
                .filter { !$0.hasPrefix(".") && ImageFile.extensions[($0 as NSString).pathExtension.lowercased()] != nil }
                .sorted()
            guard !names.isEmpty else { throw CLIError.input("\(inputs[0]) holds no image file") }
            return names.map { (inputs[0] as NSString).appendingPathComponent($0) }
        }
        for f in inputs where !FileManager.default.fileExists(atPath: f) {
            throw CLIError.input("\(f): no such file")
        }
        return inputs
    }
}

/// `track --json`: exactly the contract of issue 12, nulls written out.
struct TrackContract: Encodable {
    struct Frame: Encodable {
        var file: String
        var time_s: Double
        var quality: Verdict
        var drift_nm: [Double]?
        var drift_velocity_nm_per_s: [Double]?
        var drift_velocity_sigma_nm_per_s: [Double]?
        var forecast_next_drift_nm: [Double]?
        var cell_offset: [Int]?

        init(_ f: TrackedFrame) {
            file = f.file
            time_s = f.time
            quality = f.quality
            drift_nm = f.drift.map { [$0.x, $0.y] }
            drift_velocity_nm_per_s = f.driftVelocity.map { [$0.x, $0.y] }
            drift_velocity_sigma_nm_per_s = f.driftVelocitySigma.map { [$0.x, $0.y] }
            forecast_next_drift_nm = f.forecastNextDrift.map { [$0.x, $0.y] }
            cell_offset = f.cellOffset.map { [$0.i, $0.j] }
        }

        enum CodingKeys: String, CodingKey {
            case file, time_s, quality, drift_nm, drift_velocity_nm_per_s, drift_velocity_sigma_nm_per_s
            case forecast_next_drift_nm, cell_offset
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(time_s, forKey: .time_s)
            try c.encode(quality, forKey: .quality)
            // Frame 0 (and refused frames) carry explicit nulls.
            try c.encode(drift_nm, forKey: .drift_nm)
            try c.encode(drift_velocity_nm_per_s, forKey: .drift_velocity_nm_per_s)
            try c.encode(drift_velocity_sigma_nm_per_s, forKey: .drift_velocity_sigma_nm_per_s)
            try c.encode(forecast_next_drift_nm, forKey: .forecast_next_drift_nm)
            try c.encode(cell_offset, forKey: .cell_offset)
        }
    }
    var frames: [Frame]
}
