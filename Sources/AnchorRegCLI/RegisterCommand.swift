import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg register IMAGE --model M`: the paper's registration (Fig. 5) end to end.
struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register an image to an anchor model and write the corrected image and a report.",
        discussion: """
            The lattice spacing, orientation and shear are measured from the image (the file's \
            pixel size, when it has one, is a prior); the homography H (model units → image \
            pixels) is fitted robustly and refined; H alone, H plus a scan-line field or H plus \
            a smooth field is chosen by held-out anchor residual. Writes result.json, corrected.tif \
            (calibrated float32 through the chosen model, opens with its scale in ImageJ/Fiji), \
            distortion.tif (the field's dx, dy in model units, two pages), corrected.png, \
            overlay.png and report.html into --out.

            Every result carries a verdict (result.json "quality": ok, doubtful or refused, \
            with reasons and evidence; see docs/registration.md). A refused result is still \
            written, its reasons go to standard error and the exit status is 2.

            Examples:
              anchorreg register Si_7x7_028.sxm --model si111-7x7 --out reg028
              anchorreg register image_with_defects.dat --raw 256,256,f64le,8 \\
                  --model si111-7x7 --json
            """)

    @Argument(help: "The image file.")
    var file: String

    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions

    @OptionGroup var output: FrameOutputOptions

    func run() throws {
        try FrameCommandRunner.run(file: file, input: input, frame: frame, output: output, locateSites: false)
    }
}

/// `anchorreg locate IMAGE --model si111-7x7`: registration plus every object site.
struct LocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locate",
        abstract: "Register an image and locate every object site (atoms, defects, cell codes).",
        discussion: """
            Does what `register` does, then places every object site of the model (e.g. the 12 \
            adatoms of Si(111)-7×7) through H, classifies each as present or a defect from its \
            intensity against the same site in the other cells, decides which half of the cell \
            is faulted, and encodes each half cell as the paper's 6-bit vector. Adds sites.csv \
            and cells.csv to the outputs. For the atomic materials (models with bright \
            anchors: graphene, mos2, perovskite-110, …) it also calls every column the model \
            shows, anchors included, present, vacancy or substitution against the same site \
            in the neighbouring cells (`point_defects` in result.json; docs/registration.md).

            Examples:
              anchorreg locate Si_7x7_028.sxm --model si111-7x7 --out loc028
              anchorreg locate stem.tif --model mos2 --out mos2-frame
              anchorreg locate frame.tif --model si111-7x7 --json > frame.json
            """)

    @Argument(help: "The image file.")
    var file: String

    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions

    @OptionGroup var output: FrameOutputOptions

    func run() throws {
        try FrameCommandRunner.run(file: file, input: input, frame: frame, output: output, locateSites: true)
    }
}

/// Output options shared by `register` and `locate`.
struct FrameOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output folder (default: FILE.anchorreg in the current folder).")
    var out: String?

    @Option(name: .long, help: "Resolution of the corrected image, pixels per model unit (default: about the input's).")
    var resolution: Double?

    @Flag(name: .long, help: "Overwrite existing output files.")
    var force = false

    @Flag(name: .long, help: "Print result.json on standard output instead of a summary (and write no file unless --outputs asks).")
    var json = false

    @OptionGroup var selection: OutputSelectionOption
    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let r = resolution, !(r.isFinite && r > 0) { throw ValidationError("--resolution must be positive, got \(r)") }
    }
}

enum FrameCommandRunner {
    static func run(file: String, input: ImageInputOptions, frame: FrameCommandOptions, output: FrameOutputOptions,
                    locateSites: Bool) throws {
        let (out, resolution, force, json) = (output.out, output.resolution, output.force, output.json)
        let selection = try OutputSelection.resolve(output.selection.outputs, json: json)
        let folder = out ?? (URL(fileURLWithPath: file).lastPathComponent + ".anchorreg")
        let bar = ProgressBar(total: 2, label: locateSites ? "locate" : "register", enabled: true, policy: output.progress.policy)
        func analyse(_ stage: OutputStage?) throws -> FrameRun {
            let result = try FrameRun.run(file: file, input: input, options: frame, locateSites: locateSites, progress: bar)
            bar.advance()
            guard let stage else { return result }
            var outputs = FrameOutputs(files: OutputFiles(directory: folder, force: force), analysis: result.analysis,
                                       report: result.report, source: result.image, inputName: file)
            outputs.reportExtras = HTMLReport.Extras(kind: locateSites ? "locate" : "register", verdict: result.report.quality,
                                                     fileInfo: result.fileInfo)
            _ = try outputs.write(selection, resolution: resolution, withSites: locateSites, stage: stage)
            return result
        }
        // Outputs are checked (and a new folder claimed) before the analysis, and renamed
        // into place only once all of them are made.
        let result: FrameRun
        let written: [String]
        if selection.isEmpty {
            (result, written) = (try analyse(nil), [])
        } else {
            (result, written) = try OutputFiles(directory: folder, force: force)
                .transaction(FrameOutputs.fileNames(selection, withSites: locateSites), analyse)
        }
        bar.advance()
        bar.finish()
        if json {
            try JSONOutput.printStreaming(result.report)
        } else {
            print(result.summary(showSites: locateSites))
            if written.isEmpty {
                print("wrote no files (--outputs none)")
            } else {
                print("wrote \(written.count) files to \(folder)/" + (selection.contains(.html) ? " — open \(folder)/report.html" : ""))
            }
            print("  " + ProcessClock.summary())
        }
        try VerdictExit.check(result.report.quality, frame: file)
    }
}

/// The exit of a frame command by its verdict: a refused result exits with status 2 (after
/// its outputs are written) and its reasons go to standard error.
enum VerdictExit {
    /// Exit status of a refused result.
    static let refusedStatus: Int32 = 2

    /// The verdict's reasons as lines for standard error.
    static func lines(_ verdict: Verdict, frame: String) -> [String] {
        ["\(frame): quality \(verdict.status.rawValue)"] + verdict.reasons.map { "  \($0.status.rawValue): \($0.message) [\($0.code)]" }
    }

    /// Prints the reasons of a doubtful or refused `verdict` on standard error; throws
    /// `ExitCode(2)` when it is refused, unless `allowRefused` (e.g. `align --allow-poor-fit`).
    static func check(_ verdict: Verdict?, frame: String, allowRefused: Bool = false) throws {
        guard let verdict, verdict.status != .ok else { return }
        FileHandle.standardError.write(Data((lines(verdict, frame: frame).joined(separator: "\n") + "\n").utf8))
        if verdict.status == .refused && !allowRefused { throw ExitCode(refusedStatus) }
    }
}
