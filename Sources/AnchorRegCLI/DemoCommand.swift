import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg demo`: the main job on built-in data, with its ground truth.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Synthesise a distorted Si(111)-7×7 STM frame, register it, locate every adatom and write the report.",
        discussion: """
            The frame has thermal drift, piezo creep, a mild perspective part, missing \
            adatoms, scan-line offsets and noise; its ground truth is known, so the demo also \
            prints how close the result is to it. Outputs go to a new folder (anchorreg-demo, \
            or anchorreg-demo-2, … if that exists) unless --out is given; the folder is \
            claimed and existing files refused (without --force) before the frame is made, and \
            the files appear only once all of them are made.

            Examples:
              anchorreg demo
              anchorreg demo --seed 7 --size 768 --out demo7
            """)

    @Option(name: .long, help: "Seed of the synthetic frame.")
    var seed: UInt64 = 2025

    @Option(name: .long, help: "Frame size in pixels.")
    var size: Int = 512

    @Option(name: .long, help: "Output folder.")
    var out: String?

    @Flag(name: .long, help: "Overwrite existing output files (with --out).")
    var force = false

    @Flag(name: .long, help: "Print result.json on standard output.")
    var json = false

    func validate() throws {
        guard (64...4096).contains(size) else { throw ValidationError("--size must be 64…4096 pixels, got \(size)") }
    }

    static func defaultFolder() -> String {
        let fm = FileManager.default
        if !fm.fileExists(atPath: "anchorreg-demo") { return "anchorreg-demo" }
        var k = 2
        while fm.fileExists(atPath: "anchorreg-demo-\(k)") { k += 1 }
        return "anchorreg-demo-\(k)"
    }

    func run() throws {
        let generator = Si7x7SceneGenerator()
        var p = Si7x7SceneParameters(seed: seed, size: size, fieldOfView: 20, rotationDegrees: 17,
                                     drift: Point2(0.6, 0.35), defectFraction: 0.03, noise: 0.15)
        p.perspective = Point2(0.004, -0.003)
        p.creepAmplitude = 0
        p.lineOffset = 0.05
        let folder = out ?? Self.defaultFolder()
        let files = OutputFiles(directory: folder, force: force)
        let names = ["input.tif", "truth.json"] + FrameOutputs.fileNames(.defaults, withSites: true) + ["evaluation.json"]
        let (made, written) = try files.transaction(names) { stage in
            let scene = try generator.generate(p)
            let start = Date()
            let analysis = try FrameAnalysis.analyse(scene.image, model: generator.model)
            let ms = Date().timeIntervalSince(start) * 1000
            let report = FrameReport(analysis, file: "input.tif", filePixelSize: scene.image.pixelSize.map { [$0.x, $0.y] })
            let eval = SceneEvaluation.evaluate(analysis, scene: scene, milliseconds: ms)
            let precision = Double(eval.truePositives) / Double(max(1, eval.truePositives + eval.falsePositives))
            let recall = Double(eval.truePositives) / Double(max(1, eval.truePositives + eval.falseNegatives))
            try stage.write(TIFFWriter.encode(scene.image), to: "input.tif")
            try stage.write(JSONOutput.encode(scene.truth), to: "truth.json")
            var outputs = FrameOutputs(files: files, analysis: analysis, report: report, source: scene.image, inputName: "input.tif (synthetic)")
            outputs.reportExtras = HTMLReport.Extras(kind: "demo", fileInfo: [
                .init(label: "frame", value: "synthetic Si(111)-7×7, seed \(seed), \(size) × \(size) px, 20 nm field of view"),
                .init(label: "distortion", value: "drift (0.6, 0.35), perspective (0.004, −0.003), scan-line offsets, 3 % missing adatoms, noise 0.15"),
            ], groundTruth: Self.groundTruthRows(eval, precision: precision, recall: recall))
            _ = try outputs.write(.defaults, resolution: nil, withSites: true, stage: stage)
            try stage.write(JSONOutput.encode(eval), to: "evaluation.json")
            return (scene, analysis, report, eval, precision, recall)
        }
        let (scene, analysis, report, eval, precision, recall) = made
        if json {
            try JSONOutput.print(report)
            return
        }
        let run = FrameRun(file: "synthetic Si(111)-7×7, seed \(seed), \(size)² px", image: scene.image, analysis: analysis, report: report)
        print(run.summary(showSites: true))
        print(String(format: "against the ground truth: adatom recall@OKS0.95 %.4f (%d adatoms), corner-hole error median %.4f a, defects precision %.2f recall %.2f, faulted half %@",
                     eval.adatomRecall, eval.adatoms, eval.cornerHoleMedian, precision, recall,
                     eval.faultedCorrect.map { $0 ? "right" : "wrong" } ?? "undecided"))
        print("wrote \(written.count) files to \(folder)/ — open \(folder)/report.html")
    }

    /// The ground-truth check the demo prints, for report.html.
    static func groundTruthRows(_ e: SceneEvaluation, precision: Double, recall: Double) -> [ReportDocument.Row] {
        [
            .init(label: "adatom recall at OKS 0.95", value: ReportNumber.fixed(e.adatomRecall, 4),
                  explain: "Share of the \(e.adatoms) true adatoms found within the OKS tolerance of their true position."),
            .init(label: "corner-hole error, median", value: "\(ReportNumber.sig(e.cornerHoleMedian, 2)) a",
                  explain: "Median distance of the corrected corner holes from their true places, in units of the lattice constant a."),
            .init(label: "defects: precision / recall", value: "\(ReportNumber.fixed(precision, 2)) / \(ReportNumber.fixed(recall, 2))",
                  explain: "Of the sites called defects, the share that are truly missing; of the truly missing, the share found."),
            .init(label: "faulted half", value: e.faultedCorrect.map { $0 ? "right" : "wrong" } ?? "undecided",
                  explain: "Whether the half called faulted is the faulted half of the synthetic lattice."),
        ]
    }
}
