import Testing
import PropertyBased
@testable import AnchorGeometry

@Suite struct AffineParametersTests {
    @Test func matrixFollowsEquationOneFactorOrder() {
        let p = AffineParameters(sx: 1.2, sy: 0.9, theta: 0.3, ax: 0.1, ay: -0.05, x0: 2, y0: -3)
        let expected = Homography.scaling(1.2, 0.9) * Homography.rotation(0.3)
            * Homography(1, 0.1, 0, -0.05, 1, 0, 0, 0, 1) * Homography.translation(2, -3)
        #expect(p.matrix.maxDifference(to: expected) < 1e-15)
        // Translation first: the model point (−x0, −y0) lands on the origin.
        #expect(p.matrix.apply(Point2(-2, 3)).length < 1e-14)
    }

    @Test func matrixToParametersToMatrixIsExact() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            // Any invertible affine matrix, reflections included.
            var m = Homography(rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-50, 50),
                               rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-50, 50), 0, 0, 1)
            if abs(m.m11 * m.m22 - m.m12 * m.m21) < 1e-3 { m.m11 += 1 }
            guard let p = try? AffineParameters(decomposing: m) else {
                Issue.record("decomposition failed for \(m)"); return
            }
            #expect(p.matrix.maxDifference(to: m) < 1e-11 * max(1, abs(m.m13), abs(m.m23)))
            #expect(p.sx > 0)
            #expect(p.theta > -.pi && p.theta <= .pi)
        }
    }

    @Test func parametersWithoutShearComeBackExactly() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            let p = AffineParameters(sx: rng.uniform(0.2, 5), sy: rng.uniform(0.2, 5) * (rng.nextUnit() < 0.2 ? -1 : 1),
                                     theta: rng.uniform(-3.14, 3.14), x0: rng.uniform(-10, 10), y0: rng.uniform(-10, 10))
            let q = try? AffineParameters(decomposing: p.matrix)
            #expect(q != nil)
            guard let q else { return }
            #expect(abs(q.sx - p.sx) < 1e-10 && abs(q.sy - p.sy) < 1e-10)
            #expect(abs(q.theta - p.theta) < 1e-10)
            #expect(abs(q.ax) < 1e-10 && abs(q.ay) < 1e-10)
            #expect(abs(q.x0 - p.x0) < 1e-9 && abs(q.y0 - p.y0) < 1e-9)
        }
    }

    @Test func decompositionMinimisesShear() throws {
        // A sheared transform: the decomposition's shear is never larger than the one used.
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<100 {
            let p = AffineParameters(sx: rng.uniform(0.5, 2), sy: rng.uniform(0.5, 2), theta: rng.uniform(-3, 3),
                                     ax: rng.uniform(-0.3, 0.3), ay: rng.uniform(-0.3, 0.3), x0: 1, y0: 2)
            let q = try AffineParameters(decomposing: p.matrix)
            #expect(q.ax * q.ax + q.ay * q.ay <= p.ax * p.ax + p.ay * p.ay + 1e-12)
            #expect(q.matrix.maxDifference(to: p.matrix) < 1e-12)
        }
    }

    @Test func nonAffineAndSingularMatricesThrow() {
        #expect(throws: GeometryError.self) { try AffineParameters(decomposing: Homography(1, 0, 0, 0, 1, 0, 0.01, 0, 1)) }
        #expect(throws: GeometryError.self) { try AffineParameters(decomposing: Homography(1, 2, 0, 2, 4, 0, 0, 0, 1)) }
        #expect(throws: GeometryError.self) { try AffineParameters(decomposing: Homography(.nan, 0, 0, 0, 1, 0, 0, 0, 1)) }
        #expect(throws: GeometryError.self) { try AffineParameters(decomposing: Homography(1, 0, 0, 0, 1, 0, 0, 0, 0)) }
    }
}
