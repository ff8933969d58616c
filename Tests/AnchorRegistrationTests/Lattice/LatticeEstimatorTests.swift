import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
@testable import AnchorRegistration

/// Renders a lattice of Gaussian dips (depth 1, σ px) plus, optionally, a weaker motif.
func renderLattice(width: Int, height: Int, a1: Point2, a2: Point2, origin: Point2, sigma: Double,
                   motif: [(Point2, Double)] = [], noise: Double = 0, seed: UInt64 = 1) -> Image {
    var px = [Float](repeating: 0, count: width * height)
    var rng = SeededGenerator(seed: seed)
    let det = a1.cross(a2)
    for y in 0..<height {
        for x in 0..<width {
            let p = Point2(Double(x), Double(y)) - origin
            let u = p.cross(a2) / det, v = a1.cross(p) / det
            var value = 0.0
            for du in -1...1 {
                for dv in -1...1 {
                    let cu = u.rounded(.down) + Double(du), cv = v.rounded(.down) + Double(dv)
                    let c = a1 * cu + a2 * cv
                    let d2 = (p - c).lengthSquared
                    value -= exp(-d2 / (2 * sigma * sigma))
                    for (m, amp) in motif {
                        let q = c + a1 * m.x + a2 * m.y
                        value += amp * exp(-(p - q).lengthSquared / (2 * sigma * sigma * 0.5))
                    }
                }
            }
            px[y * width + x] = Float(value + noise * rng.normal())
        }
    }
    return try! Image(width: width, height: height, pixels: px)
}

@Suite struct LatticeEstimatorTests {
    @Test(arguments: [0.0, 0.4, 1.3, 2.9])
    func recoversRotatedHexLattice(angle: Double) throws {
        let a = 21.3
        let a1 = Point2(a * cos(angle), a * sin(angle))
        let a2 = Point2(a * cos(angle + .pi / 3), a * sin(angle + .pi / 3))
        let img = renderLattice(width: 200, height: 180, a1: a1, a2: a2, origin: Point2(37.2, 51.9),
                                sigma: 2.5, noise: 0.2)
        let est = try LatticeEstimator.estimate(img)
        let (b1, b2) = LatticeEstimator.alignBasis(est, toModel: Point2(1, 0), Point2(0.5, 0.866), preferredDirection: a1)
        #expect(b1.distance(to: a1) < 0.05, "b1 \(b1) vs \(a1)")
        #expect(b2.distance(to: a2) < 0.05, "b2 \(b2) vs \(a2)")
        #expect(est.quality > 0.3)
    }

    @Test func subPeriodMotifDoesNotFoolTheEstimate() throws {
        // Bright motif points at fractional positions — like adatoms inside a 7×7 cell.
        let a1 = Point2(30, 2), a2 = Point2(14, 26)
        var motif: [(Point2, Double)] = []
        for (u, v) in [(1, 1), (3, 1), (5, 1), (1, 3), (3, 3), (1, 5), (6, 6), (4, 6), (2, 6), (6, 4), (4, 4), (6, 2)] {
            motif.append((Point2(Double(u) / 7, Double(v) / 7), 0.8))
        }
        let img = renderLattice(width: 256, height: 256, a1: a1, a2: a2, origin: .zero, sigma: 2.2, motif: motif, noise: 0.1)
        let est = try LatticeEstimator.estimate(img)
        #expect(abs(est.cellArea - abs(a1.cross(a2))) < 0.01 * abs(a1.cross(a2)))
    }

    @Test func noiseHasNoLattice() throws {
        var rng = SeededGenerator(seed: 9)
        let img = try Image(width: 128, height: 128, pixels: (0..<(128 * 128)).map { _ in Float(rng.normal()) })
        #expect(throws: LatticeError.self) { try LatticeEstimator.estimate(img) }
    }

    @Test func reducedBasisIsShortest() {
        let h = 75.0.squareRoot()
        let (a, b) = LatticeEstimator.reduceBasis(Point2(10, 0), Point2(35, h))
        #expect(abs(a.length - 10) < 1e-9)
        #expect(abs(b.length - 10) < 1e-9)
        #expect(abs(a.dot(b)) <= 0.5 * a.lengthSquared + 1e-9)
        #expect(abs(abs(a.cross(b)) - 10 * h) < 1e-9)
    }
}

@Suite struct CellAverageTests {
    @Test(arguments: [Point2(0, 0), Point2(7.3, 3.1), Point2(150.2, 99.9)])
    func findsTheDipInTheCell(origin: Point2) throws {
        let a1 = Point2(24.7, 3.2), a2 = Point2(9.1, 22.8)
        let img = renderLattice(width: 220, height: 200, a1: a1, a2: a2, origin: origin, sigma: 2.4, noise: 0.3, seed: 4)
        let avg = try CellAverage(image: img, a1: a1, a2: a2)
        let f = try #require(avg.extremum(dark: true))
        let p = avg.imagePoint(f)
        // p must be a lattice translate of `origin`.
        let d = p - origin
        let det = a1.cross(a2)
        let u = d.cross(a2) / det, v = a1.cross(d) / det
        let residual = a1 * (u - u.rounded()) + a2 * (v - v.rounded())
        // A rough placement: within a pixel (local peak refinement follows in the pipeline).
        #expect(residual.length < 1.0, "dip found at \(p), residual \(residual)")
    }

    @Test func degenerateLatticeIsRefused() throws {
        let img = try Image(width: 10, height: 10)
        #expect(throws: LatticeError.self) { try CellAverage(image: img, a1: Point2(1, 1), a2: Point2(2, 2)) }
    }
}

@Suite struct PrimitiveCellTests {
    @Test(arguments: [(2, 0, 0, 1), (1, 1, -1, 2), (2, 1, -1, 1)])
    func superCellsShrinkToThePrimitiveCell(i1: Int, j1: Int, i2: Int, j2: Int) throws {
        let a1 = Point2(19.2, 2.1), a2 = Point2(7.8, 17.5)
        let img = renderLattice(width: 200, height: 200, a1: a1, a2: a2, origin: Point2(5, 9), sigma: 2.2, noise: 0.1)
        let s1 = a1 * Double(i1) + a2 * Double(j1), s2 = a1 * Double(i2) + a2 * Double(j2)
        let (b1, b2) = try LatticeEstimator.primitive(s1, s2, image: img, minimumLength: 5)
        #expect(abs(abs(b1.cross(b2)) - abs(a1.cross(a2))) < 1e-6 * abs(a1.cross(a2)), "area \(abs(b1.cross(b2))) from \(s1), \(s2)")
        #expect(LatticeEstimator.sameLattice((b1, b2), (a1, a2)))
    }
}

@Suite struct ModelShapeTests {
    @Test func shapeTestAcceptsDriftedHexAndRejectsRectangles() {
        let m1 = Point2(2.688, 0), m2 = Point2(1.344, 2.328)
        // A hexagonal cell sheared by drift by a few degrees still matches.
        #expect(LatticeEstimator.shapeMatches((Point2(20, 1), Point2(11, 18)), m1, m2))
        // A rectangular 1 × 2.4 cell is no drifted hexagon.
        #expect(!LatticeEstimator.shapeMatches((Point2(11, 0), Point2(0, 26)), m1, m2))
    }
}
