import AnchorGeometry
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg match A B --model si111-7x7`: which cells of frame B are the cells of frame A.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match the unit cells of two frames of the same surface by their defect codes.",
        discussion: """
            Both frames are registered and their sites located; each half cell becomes a 6-bit \
            code (1 adatom, 0 defect). The cell offset at which the two frames' codes agree best \
            is the correspondence (the paper's Fig. 6d). It uses no intensities, so different \
            tip contrast, brightness and drift do not matter. Prints the offset, its confidence \
            and the image-to-image homography (A pixels → B pixels); writes match.json with --out \
            (claimed before any frame is read; --json alone writes no file unless --outputs json). \
            When either frame's verdict is "refused" (it does not show the model) nothing is \
            matched: the reasons go to standard error and the exit status is 2.

            Examples:
              anchorreg match frame1.tif frame2.tif --model si111-7x7
              anchorreg match Si_a.sxm Si_b.sxm --model si111-7x7 --json
            """)

    @Argument(help: "The first frame.")
    var first: String

    @Argument(help: "The second frame.")
    var second: String

    @OptionGroup var input: ImageInputOptions
    @OptionGroup var frame: FrameCommandOptions

    @Option(name: .long, help: "Output folder for match.json.")
    var out: String?

    @Flag(name: .long, help: "Overwrite existing output files.")
    var force = false

    @Flag(name: .long, help: "Print JSON on standard output (and write no file unless --outputs asks).")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Which files to write into --out: json (match.json), or none, all. Default: json; with --json alone, none.",
        valueName: "kinds"))
    var outputs: String?

    /// The files this run writes.
    func selection() throws -> OutputSelection {
        try OutputSelection.resolve(outputs, json: json, defaults: .json, supported: .json, command: "match")
    }

    func validate() throws {
        let selection = try selection()
        if out == nil, outputs != nil, !selection.isEmpty { throw ValidationError("--outputs needs --out DIR") }
    }

    struct Output: Encodable {
        var first: String
        var second: String
        /// Cell (i, j) of the first frame is cell (i + di, j + dj) of the second.
        var cell_offset: CellIndex
        var confidence: Double
        var score: Double
        var second_best_score: Double
        var compared_half_cells: Int
        var shared_defects: Int
        var mismatched_bits: Int
        /// First frame's image pixels → second frame's image pixels.
        var image_to_image: Homography
        var homography_first: Homography
        var homography_second: Homography
        /// Each frame's verdict (see `register`).
        var quality_first: Verdict?
        var quality_second: Verdict?
    }

    /// What `--json` prints when a frame's verdict is "refused" (exit status 2).
    struct Refusal: Encodable {
        var first: String
        var second: String
        var quality_first: Verdict?
        var quality_second: Verdict?
    }

    func run() throws {
        let selection = try selection()
        guard let out, !selection.isEmpty else { return try match(stage: nil) }
        // The folder is claimed and match.json checked before either frame is read.
        try OutputFiles(directory: out, force: force).transaction(["match.json"]) { stage in try match(stage: stage) }
    }

    /// Matches the two frames, stages match.json when `stage` is given, and prints the result.
    func match(stage: OutputStage?) throws {
        let a = try FrameRun.run(file: first, input: input, options: frame, locateSites: true)
        let b = try FrameRun.run(file: second, input: input, options: frame, locateSites: true)
        // A frame that does not show the model has no cells to match: say why and stop.
        let verdicts = [(first, a.report.quality), (second, b.report.quality)]
        if verdicts.contains(where: { $0.1?.status == .refused }) {
            if json { try JSONOutput.print(Refusal(first: first, second: second, quality_first: a.report.quality, quality_second: b.report.quality)) }
            for (name, q) in verdicts { try? VerdictExit.check(q, frame: name) }
            throw ExitCode(VerdictExit.refusedStatus)
        }
        for (name, q) in verdicts { try VerdictExit.check(q, frame: name) }
        guard let lattice = a.analysis.model.lattice else {
            throw CLIError.usage("match needs a lattice model with object sites; \(a.analysis.model.name) is not one")
        }
        let m = try FrameMatcher.match(a.analysis.cells, b.analysis.cells)
        let t = try FrameMatcher.imageTransform(from: a.analysis.registration.homography, to: b.analysis.registration.homography,
                                                offset: m.offset, a1: lattice.a1, a2: lattice.a2)
        let output = Output(first: first, second: second, cell_offset: m.offset, confidence: m.confidence, score: m.score,
                            second_best_score: m.secondScore, compared_half_cells: m.comparedHalves,
                            shared_defects: m.sharedDefects, mismatched_bits: m.mismatches, image_to_image: t.normalized(),
                            homography_first: a.analysis.registration.homography, homography_second: b.analysis.registration.homography,
                            quality_first: a.report.quality, quality_second: b.report.quality)
        try stage?.write(JSONOutput.encode(output), to: "match.json")
        if json {
            try JSONOutput.print(output)
        } else {
            print("cell (i, j) of \(first) is cell (i\(m.offset.i >= 0 ? "+" : "")\(m.offset.i), j\(m.offset.j >= 0 ? "+" : "")\(m.offset.j)) of \(second)")
            print(String(format: "confidence %.2f: %d shared defects, %d mismatched bits over %d half cells (runner-up score %.1f vs %.1f)",
                         m.confidence, m.sharedDefects, m.mismatches, m.comparedHalves, m.secondScore, m.score))
            print("image A → image B: \(t.normalized())")
        }
    }
}
