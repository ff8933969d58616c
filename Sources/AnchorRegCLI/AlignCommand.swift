import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg align`: registers photographs of one device to its model, puts them on one
/// grid in model units, and measures what changed (issue 5, the paper's Fig. 4).
public struct AlignCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Align photographs of a device onto its model and measure the change between them.",
        discussion: """
            Every image is registered on its own (four-sided structures → corners → robust \
            homography), warped onto one grid in model units, normalised in intensity against \
            the first image (gain and gradient, reported), and compared: difference maps \
            (later − first), line profiles, and the dark fraction / integrated darkness of the \
            model's "active" region (or --region). Every alignment carries a verdict \
            (result.json "quality": ok, doubtful or refused, with reasons and evidence: the \
            fraction of the model's outline that the image shows as edges, the stretch of the \
            placement, the residual; see docs/align.md). A refused alignment still writes its \
            outputs, prints its reasons on standard error and exits with status 2 (0 with \
            --allow-poor-fit). Output: aligned-K.tiff/.png (and .gsf/.gwy with --outputs), \
            overlay-K.png, difference-K.tiff/.png, difference-colorbar.png, profiles.csv/.svg, \
            result.json and a self-contained report.html.

            Examples:
              anchorreg align before.jpg after.jpg --model device4:40 --out run1
              anchorreg align a.png b.png c.png --model device.json --region active \\
                  --json
              anchorreg align snakesmall2.jpg snakesmall1.jpg --model snake.json \\
                  --profile 100,300,2400,300 --out snake
            """)

    @Argument(help: "Two or more images of the same device (PNG, JPEG, TIFF, …).")
    var images: [String] = []

    @Option(name: .long, help: "The device model: a built-in (square:40, device4:40) or a JSON model file.")
    var model: String

    @Option(name: .long, help: "Output directory.")
    var out: String = "aligned"

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "A line profile in model coordinates (repeatable).", valueName: "x0,y0,x1,y1"))
    var profile: [String] = []

    @Option(name: .long, help: "Region of the model to measure (default: \"active\", or the model's single quadrilateral).")
    var region: String?

    @Option(name: .long, help: "Output resolution in pixels per model unit (default: the finest scale of the images).")
    var resolution: Double?

    @Option(name: .long, help: "Camera rotation (degrees) assumed for the first image when the model's symmetry leaves the orientation open; later images take the orientation that looks most like the first.")
    var priorRotation: Double = 0

    @Flag(name: .long, help: "Exit with status 0 even when the alignment is refused (the verdict stays in result.json).")
    var allowPoorFit = false

    @Flag(name: .long, help: "Print the result as JSON on standard output (and write no file unless --outputs asks).")
    var json = false

    @OptionGroup var selection: OutputSelectionOption
    @OptionGroup var progress: ProgressOptions

    @Flag(name: .long, help: "Overwrite existing output files.")
    var force = false

    @OptionGroup var input: ImageInputOptions

    public init() {}

    public func validate() throws {
        guard images.count >= 2 else { throw ValidationError("align needs at least two images, got \(images.count)") }
        for p in profile { _ = try Self.parseProfile(p) }
        if let r = resolution, !(r.isFinite && r > 0) { throw ValidationError("--resolution must be a positive number") }
    }

    static func parseProfile(_ s: String) throws -> (Point2, Point2) {
        let v = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 4, v.allSatisfy({ $0?.isFinite == true }) else {
            throw ValidationError("--profile \(s): expected four numbers x0,y0,x1,y1 in model units")
        }
        let a = Point2(v[0]!, v[1]!), b = Point2(v[2]!, v[3]!)
        guard a != b else { throw ValidationError("--profile \(s): the two end points coincide") }
        return (a, b)
    }

    public func run() throws {
        // The output folder is claimed and checked before any image is read.
        let claim = try OutputFiles(directory: out, force: force).claim(["result.json", "report.html"])
        var succeeded = false
        defer { claim.end(failed: !succeeded) }
        let anchorModel = try AnchorModel.load(model)
        let outputs = try OutputSelection.resolve(selection.outputs, json: json)
        let bar = ProgressBar(total: images.count + 3, label: "align", policy: progress.policy)
        // The images are read and decoded in parallel; an error names the first failing image.
        let readOptions = try input.readOptions(), channel = input.channel
        let read = BatchFit.map(images) { _, path in
            Result { () throws -> AlignmentFrame in
                let doc = try ImageFile.read(path: path, options: readOptions)
                let lum: Image
                if let channel {
                    lum = try doc.channel(named: channel).image
                } else {
                    lum = try doc.rgb?.luminance() ?? doc.defaultChannel().image
                }
                return AlignmentFrame(name: (path as NSString).lastPathComponent, luminance: lum, colour: doc.rgb)
            }
        }
        let frames = try read.map { r -> AlignmentFrame in
            defer { bar.advance() }
            return try r.get()
        }
        var options = DeviceAlignmentOptions()
        options.pixelsPerUnit = resolution
        options.regionName = region
        options.registration.priorRotationDegrees = priorRotation
        let result = try DeviceAlignment.align(frames, model: anchorModel, options: options)
        bar.advance()
        let profiles = try profile.map { s -> LineProfile in
            let (a, b) = try Self.parseProfile(s)
            return try LineProfile(images: result.aligned, grid: result.grid, from: a, to: b)
        }
        let files = OutputFiles(directory: out, force: force)
        if !outputs.isEmpty { try files.prepare() }
        // Every file is an independent job: encoded and written in parallel, the report (the
        // longest) first. The aligned previews are made once for the PNG files and the report.
        let previews = outputs.contains(.png) || outputs.contains(.html)
            ? BatchFit.map(Array(result.aligned.indices)) { _, k in AlignOutputs.alignedPreview(result, k, model: anchorModel) } : []
        let fileJobs = AlignOutputs.jobs(result, frames: frames, model: anchorModel, profiles: profiles,
                                         previews: previews, selection: outputs)
        let written = fileJobs.map { files.url($0.name).path }
        let summary = AlignSummary(result, paths: images, frames: frames, model: anchorModel, profiles: profiles, files: written)
        var jobs: [OutputJob] = []
        if outputs.contains(.html) {
            jobs.append(OutputJob("report.html") {
                Data(try AlignReport.html(result, summary: summary, frames: frames, model: anchorModel, profiles: profiles,
                                          verdict: result.quality, previews: previews).utf8)
            })
        }
        jobs += fileJobs
        if outputs.contains(.json) { jobs.append(OutputJob("result.json") { try JSONOutput.encodeStreaming(summary) }) }
        try OutputJob.run(jobs, to: files)
        bar.advance()
        bar.advance()
        bar.finish()
        succeeded = true
        if json {
            try JSONOutput.printStreaming(summary)
        } else {
            for f in summary.frames {
                print(String(format: "%@: MAE %.4g %@, recall %.2f, residual %.2f px (limit %.2f), rotation %.1f°",
                             f.file, f.mae, AlignOutputs.unitText(anchorModel), f.recall, f.rms_px, f.residual_limit_px, f.rotation_deg))
            }
            for (k, d) in summary.difference.enumerated() {
                print(String(format: "difference %d − 0: RMS %.3g (%.2f %% of range) away from edges", k + 1, d.rms, d.rms_relative * 100))
            }
            if let c = summary.change {
                print(String(format: "dark fraction %.2f %% → %.2f %% (%+.2f points); integrated darkness %+.2f %%",
                             c.darkFractionBefore * 100, c.darkFractionAfter * 100, c.darkFractionChangePoints, c.integratedDarknessChangePct))
            }
            for n in summary.notes { print("note: \(n)") }
            print("quality: \(result.quality.status.rawValue)")
            if outputs.contains(.html) { print("wrote \(out)/report.html") } else if !outputs.isEmpty { print("wrote \(written.count + (outputs.contains(.json) ? 1 : 0)) files to \(out)/") }
        }
        try VerdictExit.check(result.quality, frame: "align", allowRefused: allowPoorFit)
    }
}
