import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import ArgumentParser
import Foundation

/// `anchorreg synth`: synthetic images with ground truth.
public struct SynthCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make synthetic images with exact ground truth (STM Si(111)-7×7, materials in STM/STEM, optical device pairs).",
        discussion: """
            Examples:
              anchorreg synth si7x7 --seed 1 --out synth1
              anchorreg synth si7x7 --seed 2 --drift 0.6,0.3 --creep 0.5,0.1 \\
                  --rotation 20 --pair --out pair2
              anchorreg synth om-pair --seed 3 --out om3
              anchorreg synth lattice --model mos2 --contrast haadf --seed 1 --out m1
            See docs/synthetic-data.md.
            """,
        subcommands: [SynthSi7x7Command.self, SynthOMPairCommand.self, SynthLatticeCommand.self])

    public init() {}
}

/// Two numbers given as "a,b".
struct NumberPair: ExpressibleByArgument, Sendable {
    var a: Double
    var b: Double

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let b = Double(parts[1].trimmingCharacters(in: .whitespaces)), a.isFinite, b.isFinite
        else { return nil }
        self.a = a
        self.b = b
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// `anchorreg synth si7x7`.
public struct SynthSi7x7Command: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "si7x7",
        abstract: "A synthetic Si(111)-(7×7) STM frame (or pair) with its ground truth.",
        discussion: """
            Renders the DAS model's adatoms and corner holes through a scan distortion (drift, \
            exponential piezo creep along the slow axis and after every line start, lateral bow, \
            piezo non-linearity, scan-line jitter, a mild perspective part, rotation), with \
            tip blur, missing adatoms, scan-line offsets, white and 1/f noise. Writes frame.tiff \
            (float32 heights in nm, ImageJ-calibrated unless --no-calibration), frame.png \
            (preview) and truth.json (every corner hole and adatom in image pixels and model nm, \
            the homography when the map is one, which half is faulted). With --pair: \
            frame1.*, frame2.*, truth1.json, truth2.json and pair.json.

            Examples:
              anchorreg synth si7x7 --seed 1 --out synth1
              anchorreg synth si7x7 --seed 4 --size 1024 --fov-nm 30 \\
                  --drift 0.8,-0.4 --creep 0.6,0.08 --defects 0.03 --noise 0.1 --out s4
              anchorreg synth si7x7 --seed 5 --random --out s5   (random difficulty)
              anchorreg synth si7x7 --seed 6 --size 256 --fov-nm 12 \\
                  --series 5 --interval 40 --out series6
              anchorreg synth si7x7 --seed 7 --series 4 --random --out series7  (a random series)
              anchorreg synth si7x7 --seed 6 --random --physics widened --out s6
              anchorreg synth si7x7 --seed 7 --creep 1.2,0.1 --fast-creep 0.2,0.05 \\
                  --bow 0.8 --nonlinearity-x 0.02,-0.01 --line-jitter 0.2 --out s7
            """)

    @Option(help: "Seed of the surface and the noise.") var seed: UInt64
    @Option(help: "Image side, pixels (256–1024 typical).") var size: Int = 512
    @Option(name: .customLong("fov-nm"), help: "Field of view, nm (10–40 typical).") var fovNm: Double = 20
    @Option(help: "Drift over the frame as vx,vy in nm.") var drift: NumberPair?
    @Option(help: "Piezo creep as amplitude,tau: x offset amplitude·exp(−t/tau), amplitude in nm, tau as a fraction of the frame time.")
    var creep: NumberPair?
    @Option(help: "Perspective as px,py: relative scale change from the centre to the edge (e.g. 0.01,0).")
    var perspective: NumberPair?
    @Option(name: .customLong("creep-y"), help: "Slow-axis creep along y, nm (decays with the --creep tau; below 0.8·tau·fov).")
    var creepY: Double = 0
    @Option(name: .customLong("fast-creep"), help: "Fast-axis creep as amplitude,tau: x offset amplitude·exp(−s/tau) after every line start, nm, tau as a fraction of the line.")
    var fastCreep: NumberPair?
    @Option(help: "Lateral bow, nm: y offset at the left and right edges, growing as x².")
    var bow: Double = 0
    @Option(name: .customLong("nonlinearity-x"), help: "Piezo non-linearity along x as alpha,beta: x' = x + h(alpha·n² + beta·n³), n = x / h, h half the field (0.02 = 2 %).")
    var nonlinearityX: NumberPair?
    @Option(name: .customLong("nonlinearity-y"), help: "The same along y.")
    var nonlinearityY: NumberPair?
    @Option(name: .customLong("line-jitter"), help: "σ of a random x shift of every scan line, pixels.")
    var lineJitter: Double = 0
    @Option(help: "With --random: the distribution, classic (issue 4: drift, x creep, perspective) or widened (adds strong creep, fast-axis creep, bow, non-linearity, jitter).")
    var physics: Si7x7ScenePhysics = .classic
    @Option(help: "Fraction of missing adatoms (0–0.05 realistic).") var defects: Double = 0.02
    @Option(help: "White-noise σ in units of a corner adatom's height.") var noise: Double = 0.05
    @Option(name: .customLong("pink-noise"), help: "1/f noise σ (same units).") var pinkNoise: Double = 0.05
    @Option(name: .customLong("line-offset"), help: "σ of the per-line offset (same units).") var lineOffset: Double = 0.03
    @Option(help: "Bright adsorbates per 100 nm² of surface (0: none).") var adsorbates: Double = 0
    @Option(help: "Lattice rotation in the image, degrees (clockwise on screen).") var rotation: Double = 0
    @Option(name: .customLong("blur-nm"), help: "Tip blur σ, nm.") var blurNm: Double = 0.08
    @Flag(name: .customLong("no-calibration"), help: "Do not record the pixel size in the image.")
    var noCalibration = false
    @Flag(help: "Draw every parameter at random from the seed (easy to hard); other options are ignored except --size and --fov-nm when given.")
    var random = false
    @Flag(help: "Make two frames of the same surface with different tip contrast, drift and position.")
    var pair = false
    @Option(help: "Output directory.") var out: String
    @Flag(help: "Overwrite existing files.") var force = false
    @Flag(help: "Print a JSON summary on standard output.") var json = false
    @OptionGroup(title: "Series") var seriesOptions: SynthSeriesOptions

    public init() {}

    func parameters() -> Si7x7SceneParameters {
        if random {
            var p = Si7x7SceneParameters.random(seed: seed, physics: physics)
            if size != 512 { p.size = size }
            if fovNm != 20 { p.fieldOfView = fovNm }
            if adsorbates != 0 { p.adsorbateDensity = adsorbates }
            return p
        }
        var contrast = TipContrast.filledStates
        contrast.blurSigma = blurNm
        var p = Si7x7SceneParameters(
            seed: seed, size: size, fieldOfView: fovNm, rotationDegrees: rotation,
            drift: drift.map { Point2($0.a, $0.b) } ?? .zero,
            creepAmplitude: creep?.a ?? 0, creepTau: creep?.b ?? 0.1,
            perspective: perspective.map { Point2($0.a, $0.b) } ?? .zero,
            defectFraction: defects, noise: noise, pinkNoise: pinkNoise, lineOffset: lineOffset,
            adsorbateDensity: adsorbates, calibrated: !noCalibration, contrast: contrast)
        p.creepAmplitudeY = creepY
        p.fastCreepAmplitude = fastCreep?.a ?? 0
        p.fastCreepTau = fastCreep?.b ?? 0.05
        p.bow = bow
        p.nonlinearityX = nonlinearityX.map { Point2($0.a, $0.b) } ?? .zero
        p.nonlinearityY = nonlinearityY.map { Point2($0.a, $0.b) } ?? .zero
        p.lineJitter = lineJitter
        return p
    }

    struct FrameSummary: Encodable {
        var image_tiff: String
        var image_png: String
        var truth: String
        var width: Int
        var height: Int
        var pixel_size_nm: Double?
        var corner_holes: Int
        var adatoms: Int
        var defects: Int
        var faulted_half: String
        var homography: Homography?
    }

    struct Summary: Encodable {
        var frames: [FrameSummary]
        var pair: String?
        var cell_offset: CellIndex?
    }

    struct PairTruth: Encodable {
        var cell_offset: CellIndex
        var centre_cells: [CellIndex]
        var image_to_image: Homography?
        var note = "cells are global lattice indices shared by both truth files; cell_offset = centre cell of frame 2 − centre cell of frame 1"
    }

    /// The 0.5–99.5 percentile range of the samples: a preview stretch that deep corner holes
    /// and noise spikes do not dominate.
    static func previewRange(_ image: Image) -> ClosedRange<Float>? {
        let sorted = image.pixels.filter(\.isFinite).sorted()
        guard sorted.count > 1 else { return nil }
        let lo = sorted[Int(Double(sorted.count - 1) * 0.005)], hi = sorted[Int(Double(sorted.count - 1) * 0.995)]
        return lo < hi ? lo...hi : nil
    }

    /// The files a single frame or a pair writes.
    static func names(pair: Bool) -> [String] {
        pair ? ["frame1.tiff", "frame1.png", "truth1.json", "frame2.tiff", "frame2.png", "truth2.json", "pair.json"]
            : ["frame.tiff", "frame.png", "truth.json"]
    }

    public func run() throws {
        let files = OutputFiles(directory: out, force: force)
        if let series = seriesOptions.parameters(frame: parameters(), random: random) {
            guard !pair else { throw ValidationError("--pair and --series exclude each other") }
            return try SynthSeriesOptions.write(series, files: files, json: json)
        }
        // The folder is claimed and its files checked before anything is generated; they
        // appear only once all are made.
        let (summaries, pairPath, pairResult) = try files.transaction(Self.names(pair: pair)) { stage in
            try generate(stage)
        }.result
        if json {
            try JSONOutput.print(Summary(frames: summaries, pair: pairPath, cell_offset: pairResult?.cellOffset))
        } else {
            for s in summaries {
                print("\(s.image_tiff): \(s.width)×\(s.height), \(s.corner_holes) corner holes, \(s.adatoms) adatoms (\(s.defects) missing), faulted half \(s.faulted_half)")
            }
            for s in summaries { print("truth: \(s.truth)") }
            if let pairPath, let r = pairResult { print("pair: \(pairPath) (cell offset \(r.cellOffset))") }
        }
    }

    /// Generates the frame (or pair) and stages its files.
    func generate(_ files: OutputStage) throws -> ([FrameSummary], String?, SyntheticSTMPair?) {
        let generator = Si7x7SceneGenerator()
        let p = parameters()
        let bar = ProgressBar(total: pair ? 2 : 1, label: "synth si7x7")
        var scenes: [SyntheticSTMScene] = []
        var pairResult: SyntheticSTMPair?
        if pair {
            let r = try generator.generatePair(p)
            scenes = [r.first, r.second]
            pairResult = r
        } else {
            scenes = [try generator.generate(p)]
        }
        bar.advance(by: scenes.count)
        bar.finish()
        var summaries: [FrameSummary] = []
        for (k, s) in scenes.enumerated() {
            let stem = pair ? "frame\(k + 1)" : "frame"
            let truthName = pair ? "truth\(k + 1).json" : "truth.json"
            let tiff = try files.write(try TIFFWriter.encode(s.image, as: .float32), to: "\(stem).tiff")
            let png = try files.write(try PNGCodec.encode(s.image, bitDepth: 8, range: Self.previewRange(s.image)),
                                      to: "\(stem).png")
            let truth = try files.write(try JSONOutput.encode(s.truth), to: truthName)
            summaries.append(FrameSummary(
                image_tiff: tiff, image_png: png, truth: truth, width: s.image.width, height: s.image.height,
                pixel_size_nm: s.truth.pixelSizeRecorded, corner_holes: s.truth.cornerHoles.count,
                adatoms: s.truth.adatomCount, defects: s.truth.defectCount, faulted_half: s.truth.faultedHalf,
                homography: s.truth.homography))
        }
        var pairPath: String?
        if let r = pairResult {
            let t = PairTruth(cell_offset: r.cellOffset, centre_cells: [r.first.truth.centreCell, r.second.truth.centreCell],
                              image_to_image: r.imageToImage)
            pairPath = try files.write(try JSONOutput.encode(t), to: "pair.json")
        }
        return (summaries, pairPath, pairResult)
    }
}

/// `anchorreg synth om-pair`.
public struct SynthOMPairCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "om-pair",
        abstract: "A synthetic optical-microscope photograph pair of a four-terminal device, with ground truth.",
        discussion: """
            Two photographs (before.png, after.png, 8-bit RGB) of the device4 model (a square of \
            --side-um µm with electrodes T1–T4) from different camera positions, with an \
            illumination gradient, exposure change, blur and noise; the dark (reduced) fraction \
            of the active area changes by --change between them. Writes truth.json \
            (homographies model µm → image px, true dark fractions, integrated darkness), \
            device.json (the model) and darkness_before.tiff / darkness_after.tiff (the true \
            darkness 0…1 of the active area on the model grid, float32, calibrated in µm; NaN \
            under electrodes that overlap the square). The look: --tone (film brightest, \
            darkest, or between substrate and electrodes), --electrodes (short, edge, overlap; \
            device.json then has the electrodes where they are drawn), --grey, --vignetting, \
            --white-balance, --blur, --square-size; --jpeg-quality writes before.jpg/after.jpg \
            as a camera would. --random-look draws every look parameter from the seed (the \
            looks of issue 11), ignoring the look options.

            Examples:
              anchorreg synth om-pair --seed 3 --out om3
              anchorreg synth om-pair --seed 4 --size 800x600 --change=-0.05 --out om4
              anchorreg synth om-pair --seed 5 --tone between --electrodes overlap --grey \\
                  --jpeg-quality 80 --blur 2.5 --out om5
              anchorreg synth om-pair --seed 6 --random-look --size 1250x703 --out om6
            """)

    @Option(help: "Seed.") var seed: UInt64
    @Option(help: "Image size WIDTHxHEIGHT in pixels.") var size: String = "1024x768"
    @Option(name: .customLong("side-um"), help: "Side of the active square, µm.") var sideUm: Double = 40
    @Option(name: .customLong("dark-before"), help: "Dark fraction of the active area before (0–1).")
    var darkBefore: Double = 0.3
    @Option(help: "Change of the dark fraction, in fraction units (−0.0304 = 3.04 points less).")
    var change: Double = -0.0304
    @Option(help: "White noise σ per channel, fraction of 255.") var noise: Double = 0.02
    @Option(help: "Illumination gradient, relative brightness change centre → corner.") var illumination: Double = 0.2
    @Option(help: "Vignetting, relative brightness loss at the corners.") var vignetting: Double = 0.1
    @Option(name: .customLong("white-balance"), help: "White-balance shift: channel gains drawn from 1 ± this.")
    var whiteBalance: Double = 0
    @Option(help: "Film tone: brightest, darkest, or between (substrate < film < electrodes).")
    var tone: String = "brightest"
    @Option(help: "Electrode ends: short (stop before the square), edge (end on it), overlap (run over it).")
    var electrodes: String = "edge"
    @Flag(help: "A grey camera instead of a colour one.") var grey = false
    @Option(help: "Defocus blur σ, px.") var blur: Double = 0.8
    @Option(name: .customLong("square-size"), help: "Square side as a fraction of the shorter image side (each frame ±5 %).")
    var squareSize: Double?
    @Option(name: .customLong("jpeg-quality"), help: "Write JPEGs at this quality (1–100) instead of PNGs.")
    var jpegQuality: Int?
    @Flag(name: .customLong("random-look"), help: "Draw every look parameter from the seed.") var randomLook = false
    @Option(name: .customLong("truth-grid"), help: "Samples per side of the truth grid over the active area.")
    var truthGrid: Int = 512
    @Option(help: "Output directory.") var out: String
    @Flag(help: "Overwrite existing files.") var force = false
    @Flag(help: "Print a JSON summary on standard output.") var json = false

    public init() {}

    struct Summary: Encodable {
        var before: String
        var after: String
        var truth: String
        var model: String
        var dark_fraction_before: Double
        var dark_fraction_after: Double
        var dark_fraction_change_points: Double
        var homographies: [Homography]
    }

    public func run() throws {
        let dims = size.lowercased().split(separator: "x")
        guard dims.count == 2, let w = Int(dims[0]), let h = Int(dims[1]) else {
            throw ValidationError("--size must be WIDTHxHEIGHT, e.g. 1024x768 (got \(size))")
        }
        var p: OMPairParameters
        if randomLook {
            p = OMPairParameters.random(seed: seed, width: w, height: h, truthGridSize: truthGrid)
            p.side = sideUm
        } else {
            guard let t = OMPairLook.Tone(rawValue: tone) else {
                throw ValidationError("--tone \(tone): use brightest, darkest or between")
            }
            guard let e = OMPairLook.ElectrodeEnd(rawValue: electrodes) else {
                throw ValidationError("--electrodes \(electrodes): use short, edge or overlap")
            }
            let size = squareSize.map { (0.95 * $0)...(1.05 * $0) } ?? (0.28...0.38)
            p = OMPairParameters(seed: seed, width: w, height: h, side: sideUm, darkFractionBefore: darkBefore,
                                 darkFractionChange: change, squareSizeRange: size,
                                 look: OMPairLook(tone: t, electrodes: e, colour: !grey),
                                 illuminationGradient: illumination, vignetting: vignetting, whiteBalance: whiteBalance,
                                 jpegQuality: jpegQuality, noise: noise, blurSigma: blur, truthGridSize: truthGrid)
        }
        let photos = p.jpegQuality != nil ? ["before.jpg", "after.jpg"] : ["before.png", "after.png"]
        let names = photos + ["truth.json", "device.json", "darkness_before.tiff", "darkness_after.tiff"]
        // The folder is claimed and its files checked before the pair is generated; they
        // appear only once all are made.
        let (pair, before, after, truth, model) = try OutputFiles(directory: out, force: force).transaction(names) { files in
            let bar = ProgressBar(total: 1, label: "synth om-pair")
            let pair = try OMPairGenerator().generate(p)
            bar.advance()
            bar.finish()
            let before: String, after: String
            if let a = pair.beforeJPEG, let b = pair.afterJPEG {
                before = try files.write(a, to: "before.jpg")
                after = try files.write(b, to: "after.jpg")
            } else {
                before = try files.write(try PNGCodec.encode(rgb: pair.before), to: "before.png")
                after = try files.write(try PNGCodec.encode(rgb: pair.after), to: "after.png")
            }
            let truth = try files.write(try JSONOutput.encode(pair.truth), to: "truth.json")
            let model = try files.write(try pair.truth.model.jsonData(), to: "device.json")
            try files.write(try TIFFWriter.encode(pair.darknessBefore), to: "darkness_before.tiff")
            try files.write(try TIFFWriter.encode(pair.darknessAfter), to: "darkness_after.tiff")
            return (pair, before, after, truth, model)
        }.result
        let t = pair.truth
        if json {
            try JSONOutput.print(Summary(before: before, after: after, truth: truth, model: model,
                                         dark_fraction_before: t.darkFractionBefore, dark_fraction_after: t.darkFractionAfter,
                                         dark_fraction_change_points: t.darkFractionChangePoints,
                                         homographies: t.homographies))
        } else {
            print("\(before), \(after): \(w)×\(h) photographs of \(t.model.name), look \(p.look.label)")
            print(String(format: "dark fraction %.4f → %.4f (%+.2f points); truth: %@; model: %@",
                         t.darkFractionBefore, t.darkFractionAfter, t.darkFractionChangePoints, truth, model))
        }
    }
}

extension Si7x7ScenePhysics: ExpressibleByArgument {}
