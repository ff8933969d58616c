import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct SeriesTrackerTests {
    /// A short synthetic series tracked in-process: drift against the truth, cells tied to
    /// frame 0's numbering the same way the truth's global cells are, the stack aligned.
    @Test func tracksASyntheticSeries() throws {
        var frame = Si7x7SceneParameters(seed: 44, size: 256, fieldOfView: 12, rotationDegrees: 12, defectFraction: 0.03)
        frame.noise = 0.04
        let drift = SampleDrift(initialVelocity: Point2(0.012, -0.007), finalVelocity: Point2(0.004, -0.002), decayTime: 300)
        let series = Si7x7SeriesParameters(frame: frame, count: 5, interval: 45, drift: drift, creepAmplitude: 0.15, defectEvents: 2)
        let gen = try Si7x7SeriesGenerator(series)
        let model = BuiltinModels.si111_7x7()
        let lattice = model.lattice!
        var tracker = try SeriesTracker(model: model)
        var truths: [SyntheticSTMTruth] = []
        for k in 0..<series.count {
            let f = try gen.frame(k)
            truths.append(f.scene.truth)
            let timing = AcquisitionTiming(start: f.start, source: .tiffDateTime)
            let a = Result<FrameAnalysis, any Error> { try FrameAnalysis.analyse(f.scene.image, model: model) }
            tracker.add(file: "f\(k)", timing: timing, frameTime: series.frameTime, analysis: a)
        }
        tracker.refineOffline()
        let frames = tracker.frames
        #expect(frames.allSatisfy { $0.quality.status == .ok })
        #expect(frames[0].drift == nil && frames[0].cellOffset == CellIndex(0, 0))
        for k in 1..<series.count {
            let est = try #require(frames[k].drift), tru = try #require(gen.truth.frames[k].drift)
            #expect((est - tru).length < 0.02, "frame \(k): drift \(est) vs \(tru)")
            let v = try #require(frames[k].driftVelocity), vt = gen.truth.frames[k].driftVelocity
            #expect((v - vt).length < 0.001, "frame \(k): velocity \(v) vs \(vt)")
        }
        // Cells: global cell − frame-0 cell is the same for every corner hole of every frame.
        var differences = Set<CellIndex>()
        var positions: [CellIndex: [Point2]] = [:]
        for (f, t) in zip(frames, truths) {
            let d = try #require(f.decomposition), o = try #require(f.cellOffset)
            for hole in t.cornerHoles {
                let m = SeriesStack.toFrameZero(d.modelPoint(ofImage: hole.image), offset: o, lattice: lattice)
                let fr = lattice.fractional(m)
                differences.insert(hole.cell - CellIndex(Int(fr.x.rounded()), Int(fr.y.rounded())))
                positions[hole.cell, default: []].append(m)
            }
        }
        #expect(differences.count == 1)
        // The stack: every corner hole at one absolute place within 0.02 cell.
        let a = lattice.a1.length
        for (_, ps) in positions where ps.count > 1 {
            let mean = ps.reduce(Point2.zero, +) / Double(ps.count)
            #expect(ps.allSatisfy { ($0 - mean).length / a < 0.02 })
        }
        // A refused frame gets nulls and does not break the chain.
        tracker.add(file: "bad", timing: AcquisitionTiming(start: CivilDateTime(secondsSinceEpoch: series.startTime + 1000), source: .fileTime),
                    frameTime: 45, analysis: .failure(RegistrationError.noLattice("test")))
        #expect(tracker.frames.last?.quality.status == .refused && tracker.frames.last?.cellOffset == nil)
    }

    /// A creep that decays within a few scan lines (τ 3.3 % of a 256-line frame, as in the
    /// series of seed 1010) is fitted from each adatom's own peak: its amplitude and τ come
    /// out near the truth. Fitted to the band-pooled adatom positions instead, the band
    /// (±12 lines) smoothed it to about 40 % of its amplitude at twice its τ.
    @Test func fitsAShortCreepFromTheAtomsOwnPeaks() throws {
        var frame = Si7x7SceneParameters(seed: 1010, size: 256, fieldOfView: 15.3, rotationDegrees: 193, defectFraction: 0.015)
        frame.noise = 0.09
        let drift = SampleDrift(initialVelocity: Point2(-0.014, -0.001), finalVelocity: Point2(-0.005, -0.002), decayTime: 2100)
        var series = Si7x7SeriesParameters(frame: frame, count: 3, interval: 32, drift: drift, creepAmplitude: -0.15, defectEvents: 0)
        series.creepTau = 0.033
        let gen = try Si7x7SeriesGenerator(series)
        let model = BuiltinModels.si111_7x7()
        var tracker = try SeriesTracker(model: model)
        for k in 0..<series.count {
            let f = try gen.frame(k)
            let a = Result<FrameAnalysis, any Error> { try FrameAnalysis.analyse(f.scene.image, model: model, locateSites: true) }
            tracker.add(file: "f\(k)", timing: AcquisitionTiming(start: f.start, source: .tiffDateTime),
                        frameTime: series.frameTime, analysis: a)
        }
        for (f, truth) in zip(tracker.frames, gen.truth.frames) {
            let d = try #require(f.decomposition)
            let tau = try #require(d.creepTau, "frame \(f.index): no creep fitted")
            #expect(abs(d.creepAmplitude - truth.creepAmplitude) < 0.25 * abs(truth.creepAmplitude),
                    "frame \(f.index): A \(d.creepAmplitude) vs \(truth.creepAmplitude)")
            #expect(tau > 0.6 * truth.creepTau && tau < 1.6 * truth.creepTau, "frame \(f.index): τ \(tau) vs \(truth.creepTau)")
        }
    }

    @Test func ordersFramesByTime() {
        let t = { (s: Double) in AcquisitionTiming(start: CivilDateTime(secondsSinceEpoch: s), source: .tiffDateTime) }
        let o = SeriesOrder.order([("c", t(120)), ("a", t(0)), ("b", t(60))])
        #expect(o.map(\.file) == ["a", "b", "c"])
        #expect(o.allSatisfy { $0.frameTime == 60 })
        var sxm = t(5)
        sxm.duration = 30
        #expect(SeriesOrder.order([("x", sxm)], frameTime: 10)[0].frameTime == 30)
    }
}
