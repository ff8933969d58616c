import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import AnchorRegCLI
import ArgumentParser
import Foundation

/// The issue-13 acceptance study on synthetic material frames: per material and contrast,
/// random frames (`LatticeSceneParameters.random`) analysed with `FrameAnalysis.analyse` and
/// scored by `LatticeSceneEvaluation`; each frame is also analysed with a wrong model, which
/// must not get the verdict "ok".
struct BenchLatticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lattice",
        abstract: "Acceptance study on random synthetic frames of the material models (benchmark).",
        discussion: """
            Example:
              anchorreg-bench lattice --frames 50 --contrasts haadf,abf,stm > lattice.txt
            """)

    @Option(help: "Random frames per material and contrast (seeds first-seed…).") var frames: Int = 5
    @Option(name: .long, help: "First seed.") var firstSeed: UInt64 = 1
    @Option(help: "Materials, comma-separated (default: all).") var materials: String?
    @Option(help: "Contrasts, comma-separated.") var contrasts: String = "haadf"
    @Option(help: "Frame side, pixels.") var size: Int = 512
    @Option(name: .customLong("fov-cells"), help: "Field of view in lattice constants (default 24, the generator's).") var fovCells: Double?
    @Flag(name: .customLong("no-wrong-model"), help: "Skip the wrong-model analyses.") var noWrongModel = false
    @Flag(help: "Print every evaluation as JSON.") var json = false

    /// The model each material's frames are also analysed with: a clearly different lattice
    /// (other symmetry or ≥ 25 % other spacing).
    static let wrongModel: [String: String] = [
        "graphene": "perovskite-001", "graphite": "si001-2x1", "hbn": "mos2", "mos2": "graphene",
        "perovskite-001": "fcc111", "perovskite-110": "graphene", "fcc111": "perovskite-001", "si001-2x1": "graphene",
    ]

    func run() throws {
        let names = materials.map { $0.split(separator: ",").map(String.init) } ?? MaterialModel.all.map(\.name)
        let modes = try contrasts.split(separator: ",").map { c -> ImagingContrast in
            guard let m = ImagingContrast(rawValue: String(c)) else { throw ValidationError("unknown contrast \(c)") }
            return m
        }
        var all: [LatticeSceneEvaluation] = []
        var lines: [String] = []
        let header = "material        contrast frames ok/doubt/refused/err  scale err med/max %  recall pooled/min  pos err med/p95 pm  vac P/R (n)  subst n  ms med  wrong-model ok  census vac P/R (n)  census subst P/R (n)"
        lines.append(header)
        for name in names {
            guard let material = MaterialModel.named(name) else { throw ValidationError("unknown material \(name)") }
            let model = try material.model()
            for mode in modes {
                var rows: [LatticeSceneEvaluation] = []
                var wrongOK = 0, wrongRuns = 0
                for k in 0..<frames {
                    let seed = firstSeed + UInt64(k)
                    var p = LatticeSceneParameters.random(seed: seed, material: name, contrast: mode)
                    p.size = size
                    if let f = fovCells {
                        // The random drift is a fraction of the field: rescale it with the field.
                        let old = p.resolvedFieldOfView
                        p.fieldOfView = f * p.resolvedLatticeConstant
                        p.drift = p.drift * (p.resolvedFieldOfView / old)
                    }
                    let scene = try LatticeSceneGenerator().generate(p)
                    let t0 = BenchTiming.threadCPUms()
                    do {
                        let a = try FrameAnalysis.analyse(scene.image, model: model)
                        rows.append(.evaluate(a, scene: scene, milliseconds: BenchTiming.threadCPUms() - t0))
                    } catch {
                        rows.append(LatticeSceneEvaluation(material: name, contrast: mode, seed: seed,
                                                           analysedWith: model.name, status: "error: \(error)"))
                    }
                    if !noWrongModel, let wrong = Self.wrongModel[name] {
                        wrongRuns += 1
                        let wm = try BuiltinModels.named(wrong)
                        if let a = try? FrameAnalysis.analyse(scene.image, model: wm, locateSites: false),
                           a.registration.quality?.status == .ok {
                            wrongOK += 1
                        }
                    }
                }
                all += rows
                lines.append(Self.row(name, mode, rows, wrongOK: wrongOK, wrongRuns: wrongRuns))
                FileHandle.standardError.write(Data((lines.last! + "\n").utf8))
            }
        }
        if json { try JSONOutput.print(all) } else { print(lines.joined(separator: "\n")) }
    }

    static func row(_ name: String, _ mode: ImagingContrast, _ rows: [LatticeSceneEvaluation],
                    wrongOK: Int, wrongRuns: Int) -> String {
        func q(_ xs: [Double], _ f: Double) -> Double {
            let s = xs.filter(\.isFinite).sorted()
            return s.isEmpty ? .nan : s[min(s.count - 1, Int(f * Double(s.count)))]
        }
        let count = { (s: String) in rows.filter { $0.status == s }.count }
        let errors = rows.filter { $0.status.hasPrefix("error") }.count
        let hits = rows.reduce(0) { $0 + $1.hits }, sites = rows.reduce(0) { $0 + $1.sites }
        let tp = rows.reduce(0) { $0 + $1.vacancyTruePositives }, fp = rows.reduce(0) { $0 + $1.vacancyFalsePositives }
        let fn = rows.reduce(0) { $0 + $1.vacancyFalseNegatives }
        let precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : .nan
        let recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : .nan
        let scored = rows.filter { !$0.status.hasPrefix("error") }
        // Point-defect census (every shown column): vacancy and substitution P/R.
        func pr(_ tp: Int, _ fp: Int, _ fn: Int) -> String {
            String(format: "%.3f/%.3f (%d)", tp + fp > 0 ? Double(tp) / Double(tp + fp) : .nan,
                   tp + fn > 0 ? Double(tp) / Double(tp + fn) : .nan, tp + fn)
        }
        let census = pr(rows.reduce(0) { $0 + $1.censusVacancyTruePositives }, rows.reduce(0) { $0 + $1.censusVacancyFalsePositives },
                        rows.reduce(0) { $0 + $1.censusVacancyFalseNegatives })
            + "  " + pr(rows.reduce(0) { $0 + $1.censusSubstitutionTruePositives }, rows.reduce(0) { $0 + $1.censusSubstitutionFalsePositives },
                        rows.reduce(0) { $0 + $1.censusSubstitutionFalseNegatives })
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        return pad(name, 15) + " " + pad(mode.rawValue, 8) + String(format: " %6d %2d/%d/%d/%d  %8.3f/%-8.3f  %6.4f/%-6.4f  %7.1f/%-7.1f  %.2f/%.2f (%d)  %5d  %6.0f  %d/%d",
                      rows.count, count("ok"), count("doubtful"), count("refused"), errors,
                      100 * q(scored.map(\.scaleError), 0.5), 100 * q(scored.map(\.scaleError), 1),
                      Double(hits) / Double(max(1, sites)), scored.map(\.recall).min() ?? .nan,
                      q(scored.map(\.medianErrorPm), 0.5), q(scored.map(\.p95ErrorPm), 0.95),
                      precision, recall, tp + fn, rows.reduce(0) { $0 + $1.substitutions },
                      q(scored.map(\.milliseconds), 0.5), wrongOK, wrongRuns) + "  " + census
    }
}
