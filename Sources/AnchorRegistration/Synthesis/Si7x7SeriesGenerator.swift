import AnchorGeometry
import AnchorImaging
import AnchorModels
import RealModule

/// The ground truth of one frame of a synthetic series, beside its `SyntheticSTMTruth`.
/// Scanner frame: nm, origin at the image centre, x right (fast axis), y down (slow axis).
public struct SeriesFrameTruth: Sendable, Codable {
    public var index: Int
    /// Start of the frame, s since the series started, and as civil time (s since 1970).
    public var startTime: Double
    public var startTimeCivil: Double
    /// Time of the image centre's pixel, s since the series started.
    public var centreTime: Double
    /// Where the surface's model origin (global cell (0, 0)) is in the scanner frame at
    /// `centreTime`, nm.
    public var latticeOrigin: Point2
    /// Displacement of the lattice since the previous frame's centre time, nm (nil for the
    /// first frame).
    public var drift: Point2?
    /// Drift velocity of the lattice at `centreTime`, nm/s (dL/dt of `SampleDrift`).
    public var driftVelocity: Point2
    /// Creep of this frame: x offset A·exp(−t/τ) (A in nm, τ a fraction of the frame time).
    public var creepAmplitude: Double
    public var creepTau: Double
    /// The global cell under the image centre.
    public var centreCell: CellIndex

    enum CodingKeys: String, CodingKey {
        case index, startTime = "start_time_s", startTimeCivil = "start_time_civil_s", centreTime = "centre_time_s"
        case latticeOrigin = "lattice_origin_scanner_nm", drift = "drift_nm"
        case driftVelocity = "drift_velocity_nm_per_s", creepAmplitude = "creep_amplitude_nm", creepTau = "creep_tau"
        case centreCell = "centre_cell"
    }
}

/// A defect that appears (an adatom goes missing) or vanishes (a missing adatom comes back)
/// from frame `frame` on.
public struct SeriesDefectEvent: Sendable, Codable, Equatable {
    public var frame: Int
    public var cell: CellIndex
    /// Site name in the model ("A1" … "B6").
    public var site: String
    /// "appears" or "vanishes".
    public var kind: String
}

/// The ground truth of a whole series (written as `series.json`).
public struct SyntheticSeriesTruth: Sendable, Codable {
    public var generator = "si7x7-series"
    public var parameters: Si7x7SeriesParameters
    public var frames: [SeriesFrameTruth]
    public var defectEvents: [SeriesDefectEvent]
    /// The model's lattice vectors, nm (a cell index (i, j) sits at i·a1 + j·a2).
    public var a1: Point2
    public var a2: Point2

    enum CodingKeys: String, CodingKey {
        case generator, parameters, frames, defectEvents = "defect_events", a1 = "a1_nm", a2 = "a2_nm"
    }
}

/// One rendered frame of a series.
public struct SyntheticSeriesFrame: Sendable {
    public var scene: SyntheticSTMScene
    public var truth: SeriesFrameTruth
    /// Start of the frame as civil time (for the file's DateTime).
    public var start: CivilDateTime
}

/// Renders a series of Si(111)-(7×7) STM frames of one drifting surface (issue 12 item 5):
/// each frame is a `Si7x7SceneGenerator` frame whose centre follows the sample's drift
/// (`SampleDrift`), whose in-frame drift is the drift during its own recording (the chord of
/// L(t) over the frame), and whose creep restarts at its first line. Defects are the seed's
/// surface plus `defectEvents` changes. The frames are rendered one at a time
/// (`frame(_:)`), so a long series never has to fit in memory.
public struct Si7x7SeriesGenerator: Sendable {
    public let parameters: Si7x7SeriesParameters
    public let truth: SyntheticSeriesTruth
    private let base: Si7x7SceneGenerator
    private let frameParameters: [Si7x7SceneParameters]
    /// Toggled sites in force at each frame.
    private let changes: [Set<SurfaceSite>]

    /// Plans the series (drift, creep, defect events and the truth of every frame) without
    /// rendering.
    /// - Throws: `SynthesisError.invalidParameter` for out-of-range parameters.
    public init(_ p: Si7x7SeriesParameters) throws {
        try p.validate()
        parameters = p
        base = Si7x7SceneGenerator()
        let lattice = base.model.lattice!
        var template = p.frame
        template.centre = base.resolvedCentre(p.frame)
        let c0 = template.centre!
        let theta = template.rotationDegrees * .pi / 180
        let ct = Double.cos(theta), st = Double.sin(theta)
        // R(−θ): scanner → model directions; R(θ): model → scanner (see ScanDistortion).
        func toModel(_ q: Point2) -> Point2 { Point2(ct * q.x + st * q.y, -st * q.x + ct * q.y) }
        func toScanner(_ m: Point2) -> Point2 { Point2(ct * m.x - st * m.y, st * m.x + ct * m.y) }
        var g = SeededGenerator(seed: p.frame.seed, stream: 0x5E41E5 &+ 1)
        var params: [Si7x7SceneParameters] = []
        var frames: [SeriesFrameTruth] = []
        let w = Double(p.frame.size)
        let cx = (w - 1) / 2
        let tc = (cx + cx / w) / w
        for k in 0..<p.count {
            let t0 = Double(k) * p.interval
            let l0 = p.drift.displacement(at: t0), l1 = p.drift.displacement(at: t0 + p.frameTime)
            var f = template
            f.frame = k
            f.centre = c0 - toModel(l0)
            // ScanDistortion's drift is the tip's displacement over the surface: minus the
            // lattice's.
            f.drift = Point2(-(l1.x - l0.x), -(l1.y - l0.y))
            f.creepAmplitude = p.creepAmplitude * (1 + p.creepJitter * g.uniform(-1, 1))
            f.creepTau = p.creepTau
            params.append(f)
            // The model origin in the scanner frame at the centre pixel's time: solve
            // 0 = c + R(−θ)·P(q) for q, then s = q − drift·t_c − creep.
            let d = base.distortion(for: f)
            let qp = toScanner(Point2(-f.centre!.x, -f.centre!.y))
            let wq = 1 / (1 - d.perspective.x * qp.x - d.perspective.y * qp.y)
            let q = qp * wq
            let creep = d.creepAmplitude * Double.exp(-tc / d.creepTau)
            let origin = Point2(q.x - d.drift.x * tc - creep, q.y - d.drift.y * tc)
            let centreModel = d.modelPoint(x: cx, y: cx)
            let fr = lattice.fractional(centreModel)
            frames.append(SeriesFrameTruth(
                index: k, startTime: t0, startTimeCivil: p.startTime + t0, centreTime: t0 + tc * p.frameTime,
                latticeOrigin: origin, drift: frames.last.map { origin - $0.latticeOrigin },
                driftVelocity: p.drift.velocity(at: t0 + tc * p.frameTime),
                creepAmplitude: f.creepAmplitude, creepTau: f.creepTau,
                centreCell: CellIndex(Int(fr.x.rounded(.down)), Int(fr.y.rounded(.down)))))
        }
        // Defect events near the centre of the frame where they happen.
        let objectSites = lattice.sites.indices.filter { lattice.sites[$0].role == .object }
        var events: [SeriesDefectEvent] = []
        var toggles: [(frame: Int, site: SurfaceSite)] = []
        var current = Set<SurfaceSite>()
        var probe = base
        if p.count > 1 {
            for _ in 0..<p.defectEvents {
                let k = 1 + Int(g.uniform(0, Double(p.count - 1)))
                let c = frames[k].centreCell
                probe.changedSites = current
                var chosen: SurfaceSite? = nil
                let wantVanish = g.nextUnit() < 0.5
                if wantVanish {
                    search: for dj in -2...2 {
                        for di in -2...2 {
                            for s in objectSites {
                                let site = SurfaceSite(cell: CellIndex(c.i + di, c.j + dj), site: s)
                                if probe.isMissing(seed: p.frame.seed, cell: site.cell, site: s, fraction: p.frame.defectFraction)
                                    && !toggles.contains(where: { $0.site == site }) {
                                    chosen = site
                                    break search
                                }
                            }
                        }
                    }
                }
                if chosen == nil {
                    for _ in 0..<20 {
                        let s = objectSites[Int(g.uniform(0, Double(objectSites.count)))]
                        let site = SurfaceSite(cell: CellIndex(c.i + Int(g.uniform(-2, 3)), c.j + Int(g.uniform(-2, 3))), site: s)
                        if !toggles.contains(where: { $0.site == site }) { chosen = site; break }
                    }
                }
                guard let site = chosen else { continue }
                let missingBefore = probe.isMissing(seed: p.frame.seed, cell: site.cell, site: site.site,
                                                    fraction: p.frame.defectFraction)
                toggles.append((k, site))
                current.insert(site)
                events.append(SeriesDefectEvent(frame: k, cell: site.cell, site: lattice.sites[site.site].name,
                                                kind: missingBefore ? "vanishes" : "appears"))
            }
        }
        events.sort { ($0.frame, $0.cell) < ($1.frame, $1.cell) }
        changes = (0..<p.count).map { k in Set(toggles.filter { $0.frame <= k }.map(\.site)) }
        frameParameters = params
        truth = SyntheticSeriesTruth(parameters: p, frames: frames, defectEvents: events, a1: lattice.a1, a2: lattice.a2)
    }

    /// Renders frame `k` (0-based).
    /// - Throws: as `Si7x7SceneGenerator.generate`; `SynthesisError.invalidParameter` for a
    ///   frame number outside the series.
    public func frame(_ k: Int) throws -> SyntheticSeriesFrame {
        guard frameParameters.indices.contains(k) else {
            throw SynthesisError.invalidParameter(name: "frame", reason: "\(k); the series has \(frameParameters.count) frames")
        }
        var generator = base
        generator.changedSites = changes[k]
        let scene = try generator.generate(frameParameters[k])
        return SyntheticSeriesFrame(scene: scene, truth: truth.frames[k],
                                    start: CivilDateTime(secondsSinceEpoch: truth.frames[k].startTimeCivil))
    }
}
