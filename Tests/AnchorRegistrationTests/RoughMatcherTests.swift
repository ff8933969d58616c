import Testing
import AnchorGeometry
import RealModule
@testable import AnchorRegistration

@Suite struct RoughMatcherTests {
    /// An n × n unit lattice centred on the origin.
    private func grid(_ n: Int) -> [Point2] {
        let h = Double(n - 1) / 2
        return (0..<(n * n)).map { Point2(Double($0 % n) - h, Double($0 / n) - h) }
    }

    @Test func recoversRandomOffsets() throws {
        var rng = SeededGenerator(seed: 11)
        let model = grid(7)
        for _ in 0..<20 {
            let t = Point2(rng.uniform(-3, 3), rng.uniform(-3, 3))
            let image = model.map { $0 + t + Point2(0.03 * rng.normal(), 0.03 * rng.normal()) }.shuffled(using: &rng)
            let prior = PlacementPrior(rotationToleranceDegrees: 5, scaleTolerance: 0.05, shearTolerance: 0)
            let p = try RoughMatcher.place(model: model, image: image, prior: prior)
            #expect(abs(p.transform.m13 - t.x) < 0.1 && abs(p.transform.m23 - t.y) < 0.1, "offset \(t) → \(p.transform)")
            #expect(p.support == model.count)
            #expect(p.pairs.count == model.count)
            for pair in p.pairs { #expect(model[pair.model].distance(to: image[pair.image] - t) < 0.2) }
        }
    }

    @Test func recoversRotationAndScaleWithinThePrior() throws {
        var rng = SeededGenerator(seed: 12)
        let model = grid(6)
        for _ in 0..<20 {
            let theta = rng.uniform(-15, 15) * .pi / 180
            let sx = rng.uniform(0.75, 1.3), sy = rng.uniform(0.75, 1.3)
            let truth = Homography.translation(rng.uniform(-2, 2), rng.uniform(-2, 2))
                * Homography.rotation(theta) * Homography.scaling(sx, sy)
            var image = truth.apply(model).map { $0 + Point2(0.02 * rng.normal(), 0.02 * rng.normal()) }
            image.removeLast(2)
            image += [Point2(0.3, 0.1), Point2(-1.7, 2.2)]
            let prior = PlacementPrior(rotationDegrees: 0, rotationToleranceDegrees: 15, scale: 1, scaleTolerance: 0.3)
            let p = try RoughMatcher.place(model: model, image: image, prior: prior)
            let err = model.map { p.transform.apply($0).distance(to: truth.apply($0)) }.max()!
            #expect(err < 0.15, "worst placement error \(err)")
            #expect(p.support >= model.count - 2)
        }
    }

    @Test func finiteShapeWithoutLattice() throws {
        // An irregular device-like shape: no periodicity, placed by point-to-point offsets.
        let model = [Point2(0, 0), Point2(10, 0), Point2(10, 6), Point2(0, 6), Point2(3, 2), Point2(7, 4.5), Point2(5, 1)]
        let truth = Homography.translation(40, -12) * Homography.rotation(0.3) * Homography.scaling(2.1, 2.1)
        let image = truth.apply(model).reversed() + [Point2(50, 0), Point2(30, -20)]
        let prior = PlacementPrior(rotationDegrees: 15, rotationToleranceDegrees: 10, scale: 2, scaleTolerance: 0.1)
        let p = try RoughMatcher.place(model: model, image: Array(image), prior: prior)
        #expect(p.support == model.count)
        #expect(model.allSatisfy { p.transform.apply($0).distance(to: truth.apply($0)) < 1e-6 })
    }

    @Test func paperTranslationSearchOverOnePeriod() throws {
        var rng = SeededGenerator(seed: 13)
        let model = grid(8)
        for _ in 0..<10 {
            let linear = Homography.rotation(rng.uniform(-0.2, 0.2)) * Homography.scaling(1.1, 0.9)
            let t = Point2(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5))
            let truth = Homography.translation(t.x, t.y) * linear
            let image = truth.apply(model)
            guard let r = RoughMatcher.searchTranslation(
                model: model, image: image, imageTree: KDTree(image), linear: linear, period: 1, captureRadius: 0.3)
            else { Issue.record("no translation found"); continue }
            #expect(r.support == model.count)
            #expect(abs(r.transform.m13 - t.x) < 0.2 && abs(r.transform.m23 - t.y) < 0.2)
        }
    }

    @Test func typedErrors() {
        let model = grid(3)
        #expect(throws: MatchingError.tooFewPoints(set: "image", needed: 3, got: 2)) {
            try RoughMatcher.place(model: model, image: [.zero, Point2(1, 1)])
        }
        #expect(throws: MatchingError.nonFinitePoint(set: "model", index: 1)) {
            try RoughMatcher.place(model: [.zero, Point2(.nan, 0), Point2(1, 1)], image: model)
        }
        #expect(throws: MatchingError.self) {
            try RoughMatcher.place(model: model, image: model, prior: PlacementPrior(scale: -1))
        }
        #expect(throws: MatchingError.self) {
            try RoughMatcher.place(model: [.zero, .zero, .zero], image: model)
        }
        // Points that cannot be the model (a far denser cloud at the wrong scale) find no placement.
        var rng = SeededGenerator(seed: 5)
        let noise = (0..<30).map { _ in Point2(rng.uniform(0, 100), rng.uniform(0, 100)) }
        #expect(throws: MatchingError.self) {
            try RoughMatcher.place(model: grid(5), image: noise, prior: PlacementPrior(scale: 1, scaleTolerance: 0.05))
        }
    }
}
