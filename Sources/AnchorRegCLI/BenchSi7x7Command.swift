import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// Hidden: the acceptance study of issue 4 on random synthetic Si(111)-7×7 frames — success
/// rate, adatom recall, defect precision/recall, faulted-half accuracy, corner-hole error and
/// per-frame thread-CPU time of the analysis (file decoding excluded; frames are in memory).
struct BenchSi7x7Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-si7x7",
        abstract: "Acceptance study on random synthetic Si(111)-7×7 frames (benchmark).",
        discussion: """
            Example:
              anchorreg bench-si7x7 --seeds 100 --json > si7x7.json
            """,
        shouldDisplay: false)

    @Option(name: .long, help: "Number of random frames (seeds 1…N).")
    var seeds: Int = 20

    @Option(name: .long, help: "First seed.")
    var firstSeed: UInt64 = 1

    @Option(name: .long, help: "Difficulty 0…1 of the random frames.")
    var hard: Double = 1

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
            var p = Si7x7SceneParameters.random(seed: seed, hard: hard)
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
        FileHandle.standardError.write(Data(Self.summary(evaluations).utf8))
        FileHandle.standardError.write(Data("quality verdicts: \(verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))\n".utf8))
        if !json { print(Self.summary(evaluations), terminator: "") }
    }

    /// Two frames of one surface with different tip contrast, drift and offset; the match is
    /// right when the image-to-image map it implies puts the first frame's corner holes on the
    /// second frame's same (truth) cells.
    func matchPairs(_ generator: Si7x7SceneGenerator) throws {
        var right = 0, wrong = 0, failed = 0
        var notes: [String] = []
        for k in 0..<pairs {
            let seed = 10_000 + firstSeed + UInt64(k)
            var p = Si7x7SceneParameters.random(seed: seed, hard: hard)
            p.size = min(p.size, maxSize)
            let pair = try generator.generatePair(p)
            do {
                let a = try FrameAnalysis.analyse(pair.first.image, model: generator.model, options: options())
                let b = try FrameAnalysis.analyse(pair.second.image, model: generator.model, options: options())
                let m = try FrameMatcher.match(a.cells, b.cells)
                let lattice = generator.model.lattice!
                let t = try FrameMatcher.imageTransform(from: a.registration.homography, to: b.registration.homography,
                                                        offset: m.offset, a1: lattice.a1, a2: lattice.a2)
                let holesB = Dictionary(pair.second.truth.cornerHoles.map { ($0.cell, $0.image) }, uniquingKeysWith: { x, _ in x })
                var ok = 0, bad = 0
                let tolerance = 0.3 * lattice.a1.length / pair.second.truth.pixelSizeTrueAtCentre
                for h in pair.first.truth.cornerHoles {
                    guard let target = holesB[h.cell] else { continue }
                    if t.apply(h.image).distance(to: target) < tolerance { ok += 1 } else { bad += 1 }
                }
                if ok > bad { right += 1 } else { wrong += 1; notes.append("pair \(seed): wrong offset \(m.offset) (\(ok) right, \(bad) wrong holes, confidence \(m.confidence))") }
            } catch {
                failed += 1
                notes.append("pair \(seed): \(error)")
            }
        }
        var out = "two-frame matching: right \(right) of \(pairs) pairs, wrong \(wrong), failed \(failed)\n"
        for n in notes { out += "  \(n)\n" }
        FileHandle.standardError.write(Data(out.utf8))
    }

    static func summary(_ e: [SceneEvaluation]) -> String {
        let ok = e.filter(\.registered)
        let hits = ok.reduce(0) { $0 + $1.adatomHits }, total = ok.reduce(0) { $0 + $1.adatoms }
        let tp = ok.reduce(0) { $0 + $1.truePositives }, fp = ok.reduce(0) { $0 + $1.falsePositives }, fn = ok.reduce(0) { $0 + $1.falseNegatives }
        let decided = ok.filter { $0.faultedCorrect != nil }
        let right = decided.filter { $0.faultedCorrect == true }.count
        func pct(_ xs: [Double], _ q: Double) -> Double {
            let s = xs.filter(\.isFinite).sorted()
            return s.isEmpty ? .nan : s[min(s.count - 1, Int(q * Double(s.count)))]
        }
        let linear = ok.filter(\.homographyRepresentable)
        var out = "frames \(e.count), registered \(ok.count) (\(String(format: "%.1f", 100 * Double(ok.count) / Double(max(1, e.count)))) %)\n"
        out += String(format: "adatom recall@OKS0.95 (pooled) %.4f over %d adatoms; per-frame min %.4f\n", Double(hits) / Double(max(1, total)), total, ok.map(\.adatomRecall).min() ?? .nan)
        out += String(format: "defects: precision %.3f recall %.3f (tp %d fp %d fn %d)\n", Double(tp) / Double(max(1, tp + fp)), Double(tp) / Double(max(1, tp + fn)), tp, fp, fn)
        out += "faulted half right on \(right) of \(ok.count) registered frames (\(decided.count) decided)\n"
        out += String(format: "corner-hole error (homography-representable frames, %d): median of medians %.4f a, median of p95 %.4f a, worst p95 %.4f a\n",
                      linear.count, pct(linear.map(\.cornerHoleMedian), 0.5), pct(linear.map(\.cornerHoleP95), 0.5), pct(linear.map(\.cornerHoleP95), 1.0))
        out += String(format: "neighbour corner-hole distance spread (homography-representable): before median %.4f, after median %.4f, after worst %.4f\n",
                      pct(linear.map(\.spreadBefore), 0.5), pct(linear.map(\.spreadAfter), 0.5), pct(linear.map(\.spreadAfter), 1.0))
        out += String(format: "measured anchors from the true corner holes (homography-representable): median of medians %.4f a, worst %.4f a\n",
                      pct(linear.map(\.anchorLocalisationMedian), 0.5), pct(linear.map(\.anchorLocalisationMedian), 1.0))
        let creep = ok.filter { !$0.homographyRepresentable }
        out += String(format: "with creep (%d): median of medians %.4f a, median of p95 %.4f a, adatom recall %.4f\n", creep.count,
                      pct(creep.map(\.cornerHoleMedian), 0.5), pct(creep.map(\.cornerHoleP95), 0.5),
                      Double(creep.reduce(0) { $0 + $1.adatomHits }) / Double(max(1, creep.reduce(0) { $0 + $1.adatoms })))
        out += String(format: "thread-CPU per frame: median %.1f ms, p90 %.1f ms\n", pct(e.map(\.milliseconds), 0.5), pct(e.map(\.milliseconds), 0.9))
        for f in e where !f.registered { out += "  seed \(f.seed) failed: \(f.error ?? "")\n" }
        return out
    }
}
