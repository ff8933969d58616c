import Testing
import PropertyBased
@testable import AnchorGeometry

@Suite struct HomographyEstimationTests {
    @Test func exactRecoveryFromNoiseFreePointsIncludingPerspective() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000), Gen.int(in: 4...60)) { seed, n in
            var rng = SeededGenerator(seed: UInt64(seed))
            let truth = EstimationFixtures.randomHomography(&rng, perspective: 0.3)
            let model = EstimationFixtures.randomPoints(n, &rng)
            let image = truth.apply(model)
            guard let h = try? Homography.estimate(from: model, to: image) else {
                // Random points can be (nearly) degenerate only with negligible probability.
                Issue.record("estimate threw for seed \(seed), n \(n)"); return
            }
            for (m, q) in zip(model, image) { #expect(h.apply(m).distance(to: q) < 1e-9) }
            #expect(h.maxDifference(to: truth.normalized()) < 1e-9)
        }
    }

    @Test func exactRecoveryOnGridsWithLargeOffsets() throws {
        // Pixel-scale image coordinates far from the origin: normalisation must keep precision.
        var rng = SeededGenerator(seed: 7)
        for n in [2, 3, 5, 10] {
            let model = EstimationFixtures.grid(n)
            let truth = Homography.translation(2400, 1800) * Homography.scaling(37, 41)
                * EstimationFixtures.randomHomography(&rng, halfWidth: Double(n - 1) / 2)
            let image = truth.apply(model)
            let h = try Homography.estimate(from: model, to: image)
            for (m, q) in zip(model, image) { #expect(h.apply(m).distance(to: q) < 1e-9) }
        }
    }

    @Test func estimateIsInvariantToSimilarityChangeOfCoordinates() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let truth = EstimationFixtures.randomHomography(&rng)
            let model = EstimationFixtures.randomPoints(30, &rng)
            let image = truth.apply(model).map { $0 + Point2(0.05 * rng.normal(), 0.05 * rng.normal()) }
            let h = try Homography.estimate(from: model, to: image)
            // Similarities S (model side) and T (image side): H' estimated from S(m) → T(q)
            // must equal T · H · S⁻¹, i.e. T⁻¹ · H' · S = H.
            let s = Homography.translation(rng.uniform(-100, 100), rng.uniform(-100, 100))
                * Homography.rotation(rng.uniform(-3, 3)) * Homography.scaling(3.7, 3.7)
            let t = Homography.translation(rng.uniform(-1000, 1000), 500) * Homography.rotation(1.1)
                * Homography.scaling(0.02, 0.02)
            let h2 = try Homography.estimate(from: s.apply(model), to: t.apply(image))
            let back = try t.inverse() * h2 * s
            #expect(EstimationFixtures.maxTransferDifference(back, h, on: model) < 1e-9)
        }
    }

    @Test func leastSquaresBeatsAlgebraicOnNoisyData() throws {
        // The polish makes `estimate` the least-squares fit: its reprojection RMS is never
        // above the plain DLT's.
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let truth = EstimationFixtures.randomHomography(&rng, perspective: 0.2)
            let model = EstimationFixtures.grid(5)
            let image = truth.apply(model).map { $0 + Point2(0.1 * rng.normal(), 0.1 * rng.normal()) }
            let data = try NormalizedCorrespondences(model: model, image: image)
            let dlt = data.denormalize(DirectLinearTransform.solve(data).homography)
            let ls = try Homography.estimate(from: model, to: image)
            func sse(_ h: Homography) -> Double { zip(model, image).map { h.apply($0).distanceSquared(to: $1) }.reduce(0, +) }
            #expect(sse(ls) <= sse(dlt) * (1 + 1e-12))
        }
    }

    @Test func modelCentroidMappedToInfinityIsStillRecovered() throws {
        // h33 = 0 in normalised coordinates: the inhomogeneous DLT cannot represent it and the
        // eigenvector fallback must take over.
        let truth = Homography(2, 0.3, 1, 0.1, 1, 0.5, 1, 0.2, 0)
        // Centroid (0, 0), which truth sends to infinity.
        let model = [Point2(1, 1), Point2(-1, -1), Point2(2, -1), Point2(-2, 1), Point2(0.5, 2), Point2(-0.5, -2)]
        let image = truth.apply(model)
        let h = try Homography.estimate(from: model, to: image)
        for (m, q) in zip(model, image) { #expect(h.apply(m).distance(to: q) < 1e-9) }
    }

    // MARK: degenerate input

    let square = [Point2(0, 0), Point2(1, 0), Point2(1, 1), Point2(0, 1)]

    @Test func mismatchedCounts() {
        #expect(throws: GeometryError.mismatchedCounts(model: 4, image: 3)) {
            try Homography.estimate(from: square, to: Array(square.prefix(3)))
        }
    }

    @Test func tooFewPoints() {
        #expect(throws: GeometryError.tooFewPoints(needed: 4, got: 3)) {
            try Homography.estimate(from: Array(square.prefix(3)), to: Array(square.prefix(3)))
        }
    }

    @Test func nonFiniteInputNamesTheIndex() {
        var bad = square
        bad[2] = Point2(.nan, 1)
        #expect(throws: GeometryError.nonFiniteInput(index: 2)) { try Homography.estimate(from: square, to: bad) }
        bad[2] = Point2(1, .infinity)
        #expect(throws: GeometryError.nonFiniteInput(index: 2)) { try Homography.estimate(from: bad, to: square) }
    }

    @Test func fewerThanFourDistinctPoints() {
        let model = [Point2(0, 0), Point2(1, 0), Point2(1, 1), Point2(1, 1), Point2(0, 0)]
        let image = [Point2(0, 0), Point2(2, 0), Point2(2, 2), Point2(0, 2), Point2(5, 5)]
        expectDegenerate(containing: "distinct model") { try Homography.estimate(from: model, to: image) }
        expectDegenerate(containing: "distinct image") { try Homography.estimate(from: image, to: model) }
    }

    @Test func allPointsCollinear() {
        let line = (0..<10).map { Point2(Double($0), 2 * Double($0) + 1) }
        let spread = (0..<10).map { Point2(Double($0 % 4), Double($0 / 4)) }
        expectDegenerate(containing: "collinear") { try Homography.estimate(from: line, to: spread) }
        expectDegenerate(containing: "collinear") { try Homography.estimate(from: spread, to: line) }
    }

    @Test func threeCollinearInMinimalSet() {
        let model = [Point2(0, 0), Point2(1, 1), Point2(2, 2), Point2(0, 3)]
        expectDegenerate(containing: "0, 1 and 2 are collinear") { try Homography.estimate(from: model, to: square) }
        expectDegenerate(containing: "image points") { try Homography.estimate(from: square, to: model) }
    }

    @Test func allButOneOnALineIsNotUnique() {
        // Five points, four on a line: every set of four has three collinear.
        let model = [Point2(0, 0), Point2(1, 0), Point2(2, 0), Point2(3, 0), Point2(1, 2)]
        let image = model.map { Point2($0.x * 2 + 1, $0.y + 0.5 * $0.x) }
        expectDegenerate(containing: "unique") { try Homography.estimate(from: model, to: image) }
    }

    func expectDegenerate(containing text: String, _ body: () throws -> Homography, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try body()
            Issue.record("expected degenerateConfiguration (\(text))", sourceLocation: sourceLocation)
        } catch let GeometryError.degenerateConfiguration(reason) {
            #expect(reason.contains(text), "reason was: \(reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }
}
