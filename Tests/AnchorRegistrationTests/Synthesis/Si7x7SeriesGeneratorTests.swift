import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

@Suite struct Si7x7SeriesGeneratorTests {
    func smallSeries(creep: Double = 0, events: Int = 3) -> Si7x7SeriesParameters {
        let frame = Si7x7SceneParameters(seed: 21, size: 128, fieldOfView: 10, rotationDegrees: 23, defectFraction: 0.03)
        let drift = SampleDrift(initialVelocity: Point2(0.02, -0.01), finalVelocity: Point2(0.005, 0.002), decayTime: 200,
                                wobbles: [.init(amplitude: Point2(0.1, 0.05), period: 300, phase: 0.3)])
        return Si7x7SeriesParameters(frame: frame, count: 5, interval: 40, drift: drift, creepAmplitude: creep,
                                     defectEvents: events)
    }

    /// Velocity is the derivative of the displacement (central difference).
    @Test func driftVelocityIsTheDerivative() {
        let d = smallSeries().drift
        for t in [0.0, 17, 150, 600] {
            let h = 1e-3
            let numeric = (d.displacement(at: t + h) - d.displacement(at: t - h)) / (2 * h)
            #expect((numeric - d.velocity(at: t)).length < 1e-8)
        }
        #expect(d.displacement(at: 0).length < 1e-12)
    }

    /// Without creep, every corner hole's scanner position minus its model position (rotated
    /// into the scanner frame) is the lattice origin at that pixel's time: the truth's origin
    /// at the centre time plus the frame's drift chord over the time difference.
    @Test func latticeOriginMatchesTheRenderedCornerHoles() throws {
        let p = smallSeries()
        let g = try Si7x7SeriesGenerator(p)
        let theta = p.frame.rotationDegrees * .pi / 180
        for k in [0, 3] {
            let f = try g.frame(k)
            let n = Double(p.frame.size), c = (n - 1) / 2, px = p.frame.fieldOfView / n
            let chord = (p.drift.displacement(at: f.truth.startTime + p.frameTime) - p.drift.displacement(at: f.truth.startTime)) / p.frameTime
            for hole in f.scene.truth.cornerHoles {
                let s = Point2((hole.image.x - c) * px, (hole.image.y - c) * px)
                let m = hole.model
                let rm = Point2(cos(theta) * m.x - sin(theta) * m.y, sin(theta) * m.x + cos(theta) * m.y)
                let t = f.truth.startTime + (hole.image.y + hole.image.x / n) / n * p.frameTime
                let expected = f.truth.latticeOrigin + chord * (t - f.truth.centreTime)
                #expect((s - rm - expected).length < 1e-6, "frame \(k) cell \(hole.cell)")
            }
        }
        // Drift since the previous frame is the difference of the origins.
        let t = g.truth.frames
        #expect(t[0].drift == nil)
        #expect(((t[2].drift ?? .zero) - (t[2].latticeOrigin - t[1].latticeOrigin)).length < 1e-12)
    }

    /// Each defect event flips the site's truth from the frame it happens on, and not before.
    @Test func defectEventsFlipTheTruth() throws {
        let g = try Si7x7SeriesGenerator(smallSeries(events: 4))
        #expect(!g.truth.defectEvents.isEmpty)
        for e in g.truth.defectEvents {
            let before = try g.frame(e.frame - 1).scene.truth.adatoms.first { $0.cell == e.cell && $0.site == e.site }
            let after = try g.frame(e.frame).scene.truth.adatoms.first { $0.cell == e.cell && $0.site == e.site }
            guard let before, let after else { continue }  // outside one of the frames
            #expect(before.present == (e.kind == "appears"))
            #expect(after.present == (e.kind == "vanishes"))
        }
    }

    /// Frames carry their start time in the TIFF DateTime, read back as the acquisition time.
    @Test func acquisitionTimeRoundTripsThroughTIFF() throws {
        let p = smallSeries()
        let g = try Si7x7SeriesGenerator(p)
        let f = try g.frame(2)
        let data = try TIFFWriter.encode(f.scene.image, dateTime: f.start)
        let doc = try ImageFile.read(data: data, fileExtension: "tiff")
        let timing = try #require(AcquisitionTiming.fromHeader(of: doc))
        #expect(timing.source == .tiffDateTime)
        #expect(timing.start.secondsSinceEpoch == p.startTime + 80)
    }

    @Test func rejectsFractionalIntervals() {
        var p = smallSeries()
        p.interval = 40.5
        #expect(throws: SynthesisError.self) { try Si7x7SeriesGenerator(p) }
    }
}
