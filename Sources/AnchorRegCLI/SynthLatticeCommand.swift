import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg synth lattice`: a synthetic STM or STEM frame of a built-in material.
public struct SynthLatticeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lattice",
        abstract: "A synthetic STM/HAADF/ABF frame of a material model with its ground truth.",
        discussion: """
            Renders the model's sites as Gaussian columns with the signal each shows in the \
            chosen contrast (see anchorreg models show NAME --about) through a scan distortion \
            (rotation, drift over the frame and perspective: exactly a homography), with \
            vacancies, substitutions, white noise and, with --dose, Poisson counting noise. \
            Writes frame.tiff (float32, calibrated in nm unless --no-calibration), frame.png \
            (preview) and truth.json (every site in image pixels and model nm with its state: \
            present, vacancy or substitution; the homography). See docs/synthetic-data.md.

            Examples:
              anchorreg synth lattice --model graphene --contrast haadf --seed 1 --out g1
              anchorreg synth lattice --model mos2:0.315 --contrast abf --seed 2 \\
                  --vacancies 0.02 --substitutions 0.01 --dose 200 --out ws2
              anchorreg synth lattice --model perovskite-001 --contrast haadf --seed 3 \\
                  --rotation 12 --drift 0.2,-0.1 --perspective 0.004,0 --out sto3
              anchorreg synth lattice --model graphite --contrast stm --seed 4 \\
                  --random --out gr4
            """)

    @Option(help: "A material model (graphene, graphite, hbn, mos2, perovskite-001, perovskite-110, fcc111, si001-2x1), optionally NAME:a with a in nm.")
    var model: String
    @Option(help: "Contrast: stm, haadf or abf.") var contrast: ImagingContrast
    @Option(help: "Seed of the surface, defects and noise.") var seed: UInt64
    @Option(help: "Image side, pixels.") var size: Int = 512
    @Option(name: .customLong("fov-nm"), help: "Field of view, nm (default 24 lattice constants).") var fovNm: Double?
    @Option(help: "Lattice rotation in the image, degrees (clockwise on screen).") var rotation: Double = 0
    @Option(help: "Drift over the frame as vx,vy in nm.") var drift: NumberPair?
    @Option(help: "Perspective as px,py: relative scale change from the centre to the edge.") var perspective: NumberPair?
    @Option(name: .customLong("sigma-nm"), help: "Column (atom) Gaussian σ, nm (default 0.045 for STEM, 0.08 for STM).") var sigmaNm: Double?
    @Option(help: "White-noise σ in units of the strongest site's signal.") var noise: Double = 0.05
    @Option(help: "Electrons per pixel at the strongest column's peak: adds Poisson counting noise.") var dose: Double?
    @Option(help: "Fraction of atomic sites left vacant.") var vacancies: Double = 0
    @Option(help: "Fraction of atomic sites substituted.") var substitutions: Double = 0
    @Option(name: .customLong("substitution-factor"), help: "Signal of a substituent relative to the site's own.")
    var substitutionFactor: Double = 1.6
    @Flag(help: "Draw rotation, drift, perspective, noise and defect fractions from the seed; other distortion, noise and defect options are ignored.")
    var random = false
    @Flag(name: .customLong("no-calibration"), help: "Do not record the pixel size in the image.") var noCalibration = false
    @Option(help: "Output directory.") var out: String
    @Flag(help: "Overwrite existing files.") var force = false
    @Flag(help: "Print a JSON summary on standard output.") var json = false

    public init() {}

    /// The generator parameters the options describe.
    /// - Throws: `ValidationError` for a model that is not a material; `ModelError` for a bad `:a`.
    func parameters() throws -> LatticeSceneParameters {
        let parts = model.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard MaterialModel.named(name) != nil else {
            throw ValidationError("--model \(model): synth lattice renders the materials \(MaterialModel.all.map(\.name).joined(separator: ", "))")
        }
        // Parse and check :a exactly as the model catalogue does (typed ModelError).
        let built = try BuiltinModels.named(model)
        let a = parts.count > 1 ? built.lattice.map { _ in Double(parts[1])! } : nil
        var p = random ? LatticeSceneParameters.random(seed: seed, material: name, contrast: contrast)
                       : LatticeSceneParameters(seed: seed, material: name, contrast: contrast)
        p.latticeConstant = a
        p.size = size
        p.fieldOfView = fovNm
        if random {
            // The random drift was drawn as a fraction of the default field; rescale to this one.
            let defaultField = LatticeSceneParameters(seed: seed, material: name, contrast: contrast).resolvedFieldOfView
            p.drift = p.drift * (p.resolvedFieldOfView / defaultField)
        } else {
            p.rotationDegrees = rotation
            p.drift = drift.map { Point2($0.a, $0.b) } ?? .zero
            p.perspective = perspective.map { Point2($0.a, $0.b) } ?? .zero
            p.noise = noise
            p.vacancyFraction = vacancies
            p.substitutionFraction = substitutions
        }
        p.columnSigma = sigmaNm
        p.dose = dose
        p.substitutionFactor = substitutionFactor
        p.calibrated = !noCalibration
        return p
    }

    struct Summary: Encodable {
        var image_tiff: String
        var image_png: String
        var truth: String
        var model: String
        var contrast: String
        var width: Int
        var height: Int
        var pixel_size_nm: Double?
        var sites: Int
        var vacancies: Int
        var substitutions: Int
        var homography: Homography
    }

    public func run() throws {
        let p = try parameters()
        let files = OutputFiles(directory: out, force: force)
        try files.prepare()
        let scene = try LatticeSceneGenerator().generate(p)
        let tiff = try files.write(try TIFFWriter.encode(scene.image, as: .float32), to: "frame.tiff")
        let png = try files.write(try PNGCodec.encode(scene.image, bitDepth: 8, range: SynthSi7x7Command.previewRange(scene.image)),
                                  to: "frame.png")
        let truth = try files.write(try JSONOutput.encode(scene.truth), to: "truth.json")
        let t = scene.truth
        let s = Summary(image_tiff: tiff, image_png: png, truth: truth, model: t.model, contrast: p.contrast.rawValue,
                        width: t.width, height: t.height, pixel_size_nm: t.pixelSizeRecordedNm, sites: t.sites.count,
                        vacancies: t.vacancies, substitutions: t.substitutions, homography: t.homography)
        if json {
            try JSONOutput.print(s)
        } else {
            print("\(tiff): \(t.width)×\(t.height) \(p.contrast.rawValue) frame of \(t.model), \(t.sites.count) sites (\(t.vacancies) vacancies, \(t.substitutions) substitutions)")
            print("truth: \(truth)")
        }
    }
}

extension ImagingContrast: ExpressibleByArgument {}
