import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import ArgumentParser
import Foundation

/// The series options of `anchorreg synth si7x7` (issue 12 item 5).
struct SynthSeriesOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Make a series of N frames of one drifting surface (frame_000.tiff … with their acquisition time, truth_000.json …, series.json).", valueName: "N"))
    var series: Int?
    @Option(help: "Time between frame starts, whole seconds (with --series).") var interval: Double = 60
    @Option(name: .customLong("frame-time"), help: "Time to record one frame, s (default: the interval).")
    var frameTime: Double?
    @Option(name: .customLong("drift-velocity"), help: "Initial drift velocity of the lattice as vx,vy in nm/s (default with --series: 0.015,0.008).")
    var driftVelocity: NumberPair?
    @Option(name: .customLong("final-drift-velocity"), help: "Drift velocity the decay tends to, vx,vy in nm/s (default: a third of the initial).")
    var finalDriftVelocity: NumberPair?
    @Option(name: .customLong("drift-decay"), help: "Time constant of the drift's exponential decay, s (default: the series' length).")
    var driftDecay: Double?
    @Option(help: "Amplitude of the slow wobble on the drift, nm (period 12 intervals).") var wobble: Double = 0.1
    @Option(name: .customLong("series-creep"), help: "Creep after every frame start as amplitude,tau (nm, fraction of the frame).")
    var seriesCreep: NumberPair?
    @Option(name: .customLong("defect-events"), help: "Defects that appear or vanish during the series.")
    var defectEvents: Int = 4

    /// The series parameters around the single-frame template `frame`; with `random`, drawn
    /// from the seed (`Si7x7SeriesParameters.random`).
    func parameters(frame: Si7x7SceneParameters, random: Bool) -> Si7x7SeriesParameters? {
        guard let n = series else { return nil }
        if random {
            var p = Si7x7SeriesParameters.random(seed: frame.seed, count: n)
            if frame.size != 512 { p.frame.size = frame.size }
            return p
        }
        let v0 = driftVelocity.map { Point2($0.a, $0.b) } ?? Point2(0.015, 0.008)
        let v1 = finalDriftVelocity.map { Point2($0.a, $0.b) } ?? v0 * (1.0 / 3)
        let drift = SampleDrift(initialVelocity: v0, finalVelocity: v1, decayTime: driftDecay ?? Double(n) * interval,
                                wobbles: wobble > 0 ? [.init(amplitude: Point2(wobble, -0.6 * wobble), period: 12 * interval, phase: 0.7)] : [])
        return Si7x7SeriesParameters(frame: frame, count: n, interval: interval, frameTime: frameTime, drift: drift,
                                     creepAmplitude: seriesCreep?.a ?? 0.2, creepTau: seriesCreep?.b ?? 0.06,
                                     defectEvents: defectEvents)
    }

    struct Summary: Encodable {
        var frames: [String]
        var truth: String
        var interval_s: Double
        var frame_time_s: Double
        var defect_events: Int
    }

    /// Renders and writes the series; returns what was written.
    /// The folder is claimed and every file checked before the first frame is made; the
    /// frames are staged under temporary names and renamed into place only once the whole
    /// series is made.
    static func write(_ p: Si7x7SeriesParameters, files: OutputFiles, json: Bool) throws {
        let generator = try Si7x7SeriesGenerator(p)
        let all = (0..<p.count).flatMap { [String(format: "frame_%03d.tiff", $0), String(format: "truth_%03d.json", $0)] }
        let (names, truth) = try files.transaction(all + ["series.json"]) { stage in
            let bar = ProgressBar(total: p.count, label: "synth series")
            var names: [String] = []
            for k in 0..<p.count {
                let f = try generator.frame(k)
                let stem = String(format: "frame_%03d", k)
                names.append(try stage.write(try TIFFWriter.encode(f.scene.image, as: .float32, dateTime: f.start), to: stem + ".tiff"))
                try stage.write(try JSONOutput.encode(f.scene.truth), to: String(format: "truth_%03d.json", k))
                bar.advance()
            }
            bar.finish()
            return (names, try stage.write(try JSONOutput.encode(generator.truth), to: "series.json"))
        }.result
        if json {
            try JSONOutput.print(Summary(frames: names, truth: truth, interval_s: p.interval, frame_time_s: p.frameTime,
                                         defect_events: generator.truth.defectEvents.count))
        } else {
            print("\(p.count) frames every \(p.interval) s (each recorded in \(p.frameTime) s): \(names.first ?? "") … \(names.last ?? "")")
            print("truth: \(truth) (\(generator.truth.defectEvents.count) defect events)")
        }
    }
}
