import AnchorGeometry

/// Everything that defines a synthetic series of Si(111)-(7×7) STM frames: one surface
/// imaged again and again while the sample drifts (`SampleDrift`), the piezo creeps after
/// every frame start, and a few defects appear or vanish. Each frame is an ordinary
/// `Si7x7SceneParameters` frame (`frame` template) whose centre, drift and creep the series
/// sets; times in seconds, lengths in nm.
public struct Si7x7SeriesParameters: Sendable, Hashable, Codable {
    /// The per-frame template (size, field of view, rotation, noise, tip contrast, defect
    /// fraction…). Its `seed` is the surface's; `drift`, `creepAmplitude`, `creepTau` and
    /// `frame` are set per frame by the series; a nil `centre` is drawn from the seed.
    public var frame: Si7x7SceneParameters
    /// Number of frames.
    public var count: Int
    /// Time between the starts of two frames, s (whole seconds: TIFF DateTime has no fraction).
    public var interval: Double
    /// Time to record one frame, s (≤ interval; the scan lines are spread evenly over it).
    public var frameTime: Double
    /// Start of the first frame, seconds since 1970 (civil time, read as UTC).
    public var startTime: Double
    public var drift: SampleDrift
    /// Creep after every frame start: x offset A·exp(−t/τ) with A drawn per frame from
    /// `creepAmplitude` · (1 ± `creepJitter`) and τ (fraction of the frame time) `creepTau`.
    public var creepAmplitude: Double
    public var creepJitter: Double
    public var creepTau: Double
    /// Number of defect changes over the series (each an adatom that goes missing, or a
    /// missing one that comes back, near the middle of the frame where it happens).
    public var defectEvents: Int

    public init(frame: Si7x7SceneParameters, count: Int, interval: Double, frameTime: Double? = nil,
                startTime: Double = 1_780_000_000, drift: SampleDrift, creepAmplitude: Double = 0,
                creepJitter: Double = 0.2, creepTau: Double = 0.08, defectEvents: Int = 4) {
        self.frame = frame
        self.count = count
        self.interval = interval
        self.frameTime = frameTime ?? interval
        self.startTime = startTime
        self.drift = drift
        self.creepAmplitude = creepAmplitude
        self.creepJitter = creepJitter
        self.creepTau = creepTau
        self.defectEvents = defectEvents
    }

    /// A random series as in issue 12's acceptance study: `count` frames of 512 px and
    /// 15–25 nm every 30–60 s (recorded back to back), drift velocity decaying from
    /// 0.01–0.02 nm/s to 0.005–0.01 nm/s (any direction, turning by up to 60°) with a time
    /// constant of 0.5–2 series lengths, two slow wobbles of 0.05–0.2 nm and 8–30 intervals,
    /// creep 0.1–0.4 nm with τ 3–10 % of the frame, 1–3 % defects, moderate noise.
    public static func random(seed: UInt64, count: Int = 50) -> Si7x7SeriesParameters {
        var g = SeededGenerator(seed: seed, stream: 0x5E41E5)
        let fov = g.uniform(15, 25)
        let interval = Double(Int(g.uniform(30, 61)))
        var frame = Si7x7SceneParameters(seed: seed, size: 512, fieldOfView: fov, rotationDegrees: g.uniform(0, 360),
                                         defectFraction: g.uniform(0.01, 0.03), noise: g.uniform(0.03, 0.12),
                                         pinkNoise: g.uniform(0.02, 0.06), lineOffset: g.uniform(0.01, 0.04))
        frame.contrast.blurSigma = g.uniform(0.05, 0.1)
        let angle = g.uniform(0, 2 * .pi), turn = g.uniform(-1, 1) * .pi / 3
        let v0 = g.uniform(0.01, 0.02), v1 = g.uniform(0.005, 0.01)
        let total = Double(count) * interval
        var wobbles: [SampleDrift.Wobble] = []
        for _ in 0..<2 {
            let a = g.uniform(0.05, 0.2), wa = g.uniform(0, 2 * .pi)
            wobbles.append(.init(amplitude: Point2(a * Double.cos(wa), a * Double.sin(wa)),
                                 period: g.uniform(8, 30) * interval, phase: g.uniform(0, 2 * .pi)))
        }
        let drift = SampleDrift(initialVelocity: Point2(v0 * Double.cos(angle), v0 * Double.sin(angle)),
                                finalVelocity: Point2(v1 * Double.cos(angle + turn), v1 * Double.sin(angle + turn)),
                                decayTime: g.uniform(0.5, 2) * total, wobbles: wobbles)
        let creep = g.uniform(0.1, 0.4) * (g.nextUnit() < 0.5 ? -1 : 1)
        return Si7x7SeriesParameters(frame: frame, count: count, interval: interval, drift: drift,
                                     creepAmplitude: creep, creepTau: g.uniform(0.03, 0.1),
                                     defectEvents: Int(g.uniform(2, 7)))
    }

    /// Checks the series' own values (each frame is checked when it is rendered).
    /// - Throws: `SynthesisError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ n: String, _ r: String) -> SynthesisError { .invalidParameter(name: n, reason: r) }
        guard (1...10_000).contains(count) else { throw bad("series length", "\(count) frames; use 1…10000") }
        guard interval.isFinite, interval >= 1, interval == interval.rounded() else {
            throw bad("interval", "\(interval) s; use whole seconds ≥ 1 (TIFF DateTime records whole seconds)")
        }
        guard frameTime.isFinite, frameTime > 0, frameTime <= interval else {
            throw bad("frame time", "\(frameTime) s; must be > 0 and ≤ the interval (\(interval) s)")
        }
        guard startTime.isFinite, startTime == startTime.rounded() else { throw bad("start time", "whole seconds") }
        try drift.validate()
        guard creepAmplitude.isFinite, creepJitter.isFinite, (0...1).contains(creepJitter) else {
            throw bad("creep", "amplitude finite, jitter 0…1")
        }
        guard creepTau.isFinite, creepTau > 0.005 else { throw bad("creep tau", "\(creepTau); above 0.005 of the frame") }
        guard defectEvents >= 0 else { throw bad("defect events", "\(defectEvents); must be ≥ 0") }
        try frame.validate()
    }

    enum CodingKeys: String, CodingKey {
        case frame, count, interval = "interval_s", frameTime = "frame_time_s", startTime = "start_time_s"
        case drift, creepAmplitude = "creep_amplitude_nm", creepJitter = "creep_jitter", creepTau = "creep_tau"
        case defectEvents = "defect_events"
    }
}
