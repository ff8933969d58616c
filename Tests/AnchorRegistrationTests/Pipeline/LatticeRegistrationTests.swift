import Testing
import Foundation
import TestData
import AnchorGeometry
import AnchorImaging
import AnchorModels
@testable import AnchorRegistration

/// End-to-end registration of synthetic Si(111)-7×7 frames against their ground truth.
@Suite struct LatticeRegistrationTests {
    let generator = Si7x7SceneGenerator()

    func scene(seed: UInt64, creep: Double = 0, calibrated: Bool = true) throws -> SyntheticSTMScene {
        var p = Si7x7SceneParameters(seed: seed, size: 256, fieldOfView: 14, rotationDegrees: 23,
                                     drift: Point2(0.5, -0.3), defectFraction: 0.04, noise: 0.15)
        p.perspective = Point2(0.003, -0.002)
        p.creepAmplitude = creep
        p.calibrated = calibrated
        return try generator.generate(p)
    }

    @Test func distortedFrameRegistersToTruth() throws {
        let s = try scene(seed: 11)
        let a = try FrameAnalysis.analyse(s.image, model: generator.model)
        let e = SceneEvaluation.evaluate(a, scene: s, milliseconds: 0)
        #expect(a.registration.metrics.inliers >= 15)
        #expect(e.cornerHoleMedian < 0.02, "corner-hole median error \(e.cornerHoleMedian) a")
        #expect(e.cornerHoleP95 < 0.05)
        #expect(e.adatomRecall >= 0.99, "adatom recall \(e.adatomRecall) of \(e.adatoms)")
        #expect(e.faultedCorrect == true)
        #expect(e.truePositives >= 1 && e.falsePositives <= 1 && e.falseNegatives <= 1,
                "defects tp \(e.truePositives) fp \(e.falsePositives) fn \(e.falseNegatives)")
        // The lattice calibrates the frame: the measured pixel size matches the truth.
        let truePx = s.truth.pixelSizeTrueAtCentre
        #expect(abs(a.registration.pixelSize[0] - truePx) / truePx < 0.05)
    }

    @Test func uncalibratedFrameWithCreepStillRegisters() throws {
        let s = try scene(seed: 12, creep: 0.3, calibrated: false)
        #expect(s.image.pixelSize == nil)
        let a = try FrameAnalysis.analyse(s.image, model: generator.model)
        let e = SceneEvaluation.evaluate(a, scene: s, milliseconds: 0)
        #expect(e.adatomRecall >= 0.97, "adatom recall \(e.adatomRecall)")
        #expect(e.cornerHoleMedian < 0.05)
    }

    @Test func twoFramesMatchTheRightCells() throws {
        var p = Si7x7SceneParameters(seed: 21, size: 256, fieldOfView: 14, rotationDegrees: 8,
                                     drift: Point2(0.3, 0.2), defectFraction: 0.05, noise: 0.1)
        p.creepAmplitude = 0
        let pair = try generator.generatePair(p)
        let a = try FrameAnalysis.analyse(pair.first.image, model: generator.model)
        let b = try FrameAnalysis.analyse(pair.second.image, model: generator.model)
        let m = try FrameMatcher.match(a.cells, b.cells)
        let lattice = generator.model.lattice!
        let t = try FrameMatcher.imageTransform(from: a.registration.homography, to: b.registration.homography,
                                                offset: m.offset, a1: lattice.a1, a2: lattice.a2)
        // The same physical corner holes (same global cell in the truth) must coincide.
        let holesB = Dictionary(pair.second.truth.cornerHoles.map { ($0.cell, $0.image) }, uniquingKeysWith: { a, _ in a })
        var checked = 0, wrong = 0
        for h in pair.first.truth.cornerHoles {
            guard let target = holesB[h.cell] else { continue }
            checked += 1
            if t.apply(h.image).distance(to: target) > 3 { wrong += 1 }
        }
        #expect(checked >= 5)
        #expect(wrong == 0, "\(wrong) of \(checked) corner holes land on the wrong place; offset \(m.offset)")
        #expect(m.sharedDefects >= 2)
    }

    @Test func noiseIsNotALattice() throws {
        var g = SeededGenerator(seed: 5)
        let img = try Image(width: 128, height: 128, pixels: (0..<(128 * 128)).map { _ in Float(g.normal()) })
        #expect(throws: RegistrationError.self) { try LatticeRegistrar.register(img, to: generator.model) }
    }

    @Test func aPhotographIsNotSilicon() throws {
        // An optical photograph of a test device has no 7×7 lattice: the registration must say
        // so rather than return a homography.
        let photo = try ImageFile.read(path: TestData.realPath("optical-snake-hackerfab/snakesmall2.jpg"))
        let image = try photo.channels[0].image.binned(by: 2)
        #expect(throws: RegistrationError.self) { try LatticeRegistrar.register(image, to: generator.model) }
    }

    @Test func shapeModelsAreRefusedWithAReason() throws {
        let img = try Image(width: 64, height: 64)
        let square = try BuiltinModels.named("square:40")
        #expect(throws: RegistrationError.self) { try LatticeRegistrar.register(img, to: square) }
    }
}
