import Testing
import AnchorGeometry
@testable import AnchorRegistration

@Suite struct VoteFilterTests {
    /// A noisy lattice patch with spurious points between the sites; returns the points and
    /// how many lattice points come first.
    private func scene(basis: (Point2, Point2), size: Int, sigma: Double, outliers: Int, seed: UInt64)
        -> (points: [Point2], latticeCount: Int)
    {
        var rng = SeededGenerator(seed: seed)
        var pts: [Point2] = []
        for j in 0..<size {
            for i in 0..<size {
                let p = basis.0 * Double(i) + basis.1 * Double(j)
                pts.append(p + Point2(sigma * rng.normal(), sigma * rng.normal()))
            }
        }
        let lattice = pts.count
        var added = 0
        while added < outliers {
            // Uniform over the patch, but at least 0.2 L from every site (a detection right on
            // a site is not an outlier the filter could or should tell apart).
            let q = basis.0 * rng.uniform(0, Double(size - 1)) + basis.1 * rng.uniform(0, Double(size - 1))
            if pts.prefix(lattice).allSatisfy({ $0.distance(to: q) > 0.2 }) {
                pts.append(q)
                added += 1
            }
        }
        return (pts, lattice)
    }

    private func check(basis: (Point2, Point2), seed: UInt64) throws {
        let (pts, lattice) = scene(basis: basis, size: 12, sigma: 0.02, outliers: 25, seed: seed)
        let result = try VoteFilter(spacing: 1).apply(to: pts)
        let keptLattice = result.kept.filter { $0 < lattice }.count
        let keptOutliers = result.kept.filter { $0 >= lattice }.count
        // Nearly all lattice points survive; nearly all outliers go.
        #expect(keptLattice >= lattice - 2, "kept \(keptLattice) of \(lattice) lattice points")
        #expect(keptOutliers <= 2, "kept \(keptOutliers) of 25 outliers")
        #expect(result.scores.count == pts.count)
    }

    @Test func removesOutliersFromSquareLattice() throws {
        for seed in 1...3 as ClosedRange<UInt64> { try check(basis: (Point2(1, 0), Point2(0, 1)), seed: seed) }
    }

    @Test func removesOutliersFromHexagonalLattice() throws {
        for seed in 1...3 as ClosedRange<UInt64> {
            try check(basis: (Point2(1, 0), Point2(0.5, 3.0.squareRoot() / 2)), seed: seed)
        }
    }

    @Test func interiorScoresMatchTheLatticeCoordination() throws {
        // Clean lattices: interior points score +4 (square) and +6 (hexagonal), the paper's count.
        let square = (0..<25).map { Point2(Double($0 % 5), Double($0 / 5)) }
        #expect(try VoteFilter(spacing: 1).apply(to: square).scores[12] == 4)
        let rowHeight: Double = 3.0.squareRoot() / 2
        let hex: [Point2] = (0..<25).map { (i: Int) -> Point2 in
            let row = Double(i / 5)
            return Point2(Double(i % 5) + 0.5 * row, row * rowHeight)
        }
        #expect(try VoteFilter(spacing: 1).apply(to: hex).scores[12] == 6)
        // A lone point between four sites scores −4 and is dropped.
        let r = try VoteFilter(spacing: 1).apply(to: square + [Point2(1.5, 1.5)])
        #expect(r.scores[25] == -4)
        #expect(!r.kept.contains(25))
        #expect(r.kept.count == 25)
    }

    @Test func nonFinitePointsAreNeverKept() throws {
        let r = try VoteFilter(spacing: 1).apply(to: [Point2(0, 0), Point2(.nan, 1), Point2(1, 0)])
        #expect(r.kept == [0, 2])
        #expect(r.scores[1] == Int.min)
    }

    @Test func invalidParametersAreTypedErrors() {
        #expect(throws: GeometryError.self) { try VoteFilter(spacing: 0) }
        #expect(throws: GeometryError.self) { try VoteFilter(spacing: .nan) }
        #expect(throws: GeometryError.self) { try VoteFilter(spacing: 1, tolerance: 1.5) }
        #expect(throws: GeometryError.self) { try VoteFilter(spacing: 1, tolerance: 0.1, radiusFactor: 1.05) }
    }
}
