import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import AnchorRegCLI
import ArgumentParser
import Foundation

/// the acceptance study of issue 4 on random synthetic Si(111)-7×7 frames — success
/// rate, adatom recall, defect precision/recall, faulted-half accuracy, corner-hole error and
/// per-frame thread-CPU time of the analysis (file decoding excluded; frames are in memory).
struct BenchSi7x7Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "si7x7",
        abstract: "Acceptance study on random synthetic Si(111)-7×7 frames (benchmark).",
        discussion: """
            Example:
              anchorreg-bench si7x7 --seeds 100 --json > si7x7.json
            """)

    @Option(name: .long, help: "Number of random frames (seeds 1…N).")
    var seeds: Int = 20

    @Option(name: .long, help: "First seed.")
    var firstSeed: UInt64 = 1

    @Option(name: .long, help: "Difficulty 0…1 of the random frames.")
    var hard: Double = 1

    @Option(name: .long, help: "Scanner physics of the random frames: classic or widened.")
    var physics: Si7x7ScenePhysics = .classic

    @Option(name: .long, help: "Largest frame size to draw (smaller sizes are kept).")
    var maxSize: Int = 1024

    @Option(name: .long, help: "Repeat the analysis of each frame this many times for timing.")
    var repeats: Int = 1

    @Option(name: .long, help: "Point extractor (default: the model's).")
    var extractor: String?

    @Option(name: .long, help: "Only these seeds (comma-separated), instead of --seeds.")
    var only: String?

    @Option(name: .long, help: "Also match this many random two-frame pairs and score the cell offset.")
    var pairs: Int = 0

    @Flag(name: .long, help: "Print every frame's evaluation as JSON.")
    var json = false

    @Flag(name: .long, help: "Keep the extremum anchors (no motif refinement), for comparison.")
    var noRefineAnchors = false

    func options() throws -> RegistrationOptions {
        var options = RegistrationOptions(refineAnchors: !noRefineAnchors)
        if let extractor {
            guard let kind = ExtractorKind(rawValue: extractor) else { throw ValidationError("unknown extractor \(extractor)") }
            options.extractor = kind
        }
        return options
    }

    func run() throws {
        let generator = Si7x7SceneGenerator()
        var evaluations: [SceneEvaluation] = []
        var verdicts: [String: Int] = [:]   // quality status → frames, for the summary line
        let bar = ProgressBar(total: only == nil ? seeds : only!.split(separator: ",").count, label: "frames")
        let list: [UInt64] = only.map { $0.split(separator: ",").compactMap { UInt64($0) } }
            ?? (0..<seeds).map { firstSeed + UInt64($0) }
        for seed in list {
            var p = Si7x7SceneParameters.random(seed: seed, hard: hard, physics: physics)
            p.size = min(p.size, maxSize)
            let scene = try generator.generate(p)
            var best = Double.infinity
            var result: Result<FrameAnalysis, any Error> = .failure(CLIError.usage("not run"))
            for _ in 0..<max(1, repeats) {
                let t0 = BenchTiming.threadCPUms()
                result = Result { try FrameAnalysis.analyse(scene.image, model: generator.model, options: options()) }
                best = min(best, BenchTiming.threadCPUms() - t0)
            }
            switch result {
            case .success(let a):
                verdicts[a.registration.quality?.status.rawValue ?? "none", default: 0] += 1
                evaluations.append(SceneEvaluation.evaluate(a, scene: scene, milliseconds: best))
            case .failure(let e):
                var ev = SceneEvaluation(seed: seed, registered: false, error: "\(e)")
                ev.milliseconds = best
                ev.homographyRepresentable = scene.distortion.isHomography
                evaluations.append(ev)
            }
            bar.advance()
        }
        bar.finish()
        if pairs > 0 { try matchPairs(generator) }
        if json {
            try JSONOutput.print(evaluations)
        }
        let report = Si7x7StudySummary.report(evaluations) + SceneEvaluation.acceptanceSummary(evaluations)
        FileHandle.standardError.write(Data(report.utf8))
        FileHandle.standardError.write(Data("quality verdicts: \(verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n".utf8))
        if !json { print(report, terminator: "") }
    }

    /// Two frames of one surface with different tip contrast, drift and offset; the match is
    /// right when the image-to-image map it implies puts the first frame's corner holes on the
    /// second frame's same (truth) cells.
    func matchPairs(_ generator: Si7x7SceneGenerator) throws {
        var right = 0, wrong = 0, failed = 0
        var notes: [String] = []
        for k in 0..<pairs {
            let seed = 10_000 + firstSeed + UInt64(k)
            var p = Si7x7SceneParameters.random(seed: seed, hard: hard, physics: physics)
            p.size = min(p.size, maxSize)
            let pair = try generator.generatePair(p)
            do {
                let a = try FrameAnalysis.analyse(pair.first.image, model: generator.model, options: options())
                let b = try FrameAnalysis.analyse(pair.second.image, model: generator.model, options: options())
                let m = try FrameMatcher.match(a.cells, b.cells)
                let lattice = generator.model.lattice!
                let t = try FrameMatcher.imageTransform(from: a.registration.homography, to: b.registration.homography,
                                                        offset: m.offset, a1: lattice.a1, a2: lattice.a2)
                let score = FramePairEvaluation(imageTransform: t, pair: pair, latticeConstant: lattice.a1.length)
                if score.right { right += 1 } else { wrong += 1; notes.append("pair \(seed): wrong offset \(m.offset) (\(score.holesRight) right, \(score.holesWrong) wrong holes, confidence \(m.confidence))") }
            } catch {
                failed += 1
                notes.append("pair \(seed): \(error)")
            }
        }
        var out = "two-frame matching: right \(right) of \(pairs) pairs, wrong \(wrong), failed \(failed)\n"
        for n in notes { out += "  \(n)\n" }
        FileHandle.standardError.write(Data(out.utf8))
    }
}
