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
            pixels) is fitted robustly and refined. Writes result.json, corrected.tif \
            (calibrated float32, opens with its scale in ImageJ/Fiji), corrected.png, \
            overlay.png and report.html into --out.

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
            and cells.csv to the outputs.

            Examples:
              anchorreg locate Si_7x7_028.sxm --model si111-7x7 --out loc028
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

    @Flag(name: .long, help: "Print result.json on standard output instead of a summary.")
    var json = false

    func validate() throws {
        if let r = resolution, !(r.isFinite && r > 0) { throw ValidationError("--resolution must be positive, got \(r)") }
    }
}

enum FrameCommandRunner {
    static func run(file: String, input: ImageInputOptions, frame: FrameCommandOptions, output: FrameOutputOptions,
                    locateSites: Bool) throws {
        let (out, resolution, force, json) = (output.out, output.resolution, output.force, output.json)
        let folder = out ?? (URL(fileURLWithPath: file).lastPathComponent + ".anchorreg")
        // Outputs are checked (and a new folder claimed) before the analysis.
        let claim = try OutputFiles(directory: folder, force: force).claim(FrameOutputs.fileNames(withSites: locateSites))
        let result: FrameRun
        let written: [String]
        do {
            result = try FrameRun.run(file: file, input: input, options: frame, locateSites: locateSites)
            let outputs = FrameOutputs(files: OutputFiles(directory: folder, force: force), analysis: result.analysis,
                                       report: result.report, source: result.image, inputName: file)
            written = try outputs.writeAll(resolution: resolution, withSites: locateSites)
        } catch {
            claim.end(failed: true)
            throw error
        }
        claim.end(failed: false)
        if json {
            try JSONOutput.print(result.report)
        } else {
            print(result.summary(showSites: locateSites))
            print("wrote \(written.count) files to \(folder)/ — open \(folder)/report.html")
        }
    }
}
