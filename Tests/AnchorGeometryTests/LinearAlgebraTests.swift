import Testing
@testable import AnchorGeometry

@Suite struct LinearAlgebraTests {
    @Test func jacobiDiagonalisesRandomSymmetricMatrices() throws {
        var rng = SeededGenerator(seed: 2)
        for n in [2, 5, 9] {
            var m = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in i..<n { let x = rng.uniform(-1, 1); m[i * n + j] = x; m[j * n + i] = x } }
            let (values, vectors) = try SymmetricEigen.decompose(m, dimension: n)
            #expect(values == values.sorted())
            for k in 0..<n {
                // A·v = λ·v and |v| = 1
                for i in 0..<n {
                    let av = (0..<n).map { m[i * n + $0] * vectors[k][$0] }.reduce(0, +)
                    #expect(abs(av - values[k] * vectors[k][i]) < 1e-12)
                }
                #expect(abs(vectors[k].map { $0 * $0 }.reduce(0, +) - 1) < 1e-12)
            }
        }
    }

    @Test func jacobiKeepsTinyEigenvaluesAccurate() throws {
        // diag(1, 1e-20) rotated by 30°: the small eigenvalue survives to relative precision.
        let c = 0.8660254037844386, s = 0.5
        let l1 = 1.0, l2 = 1e-20
        let m = [c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2]
        let (values, _) = try SymmetricEigen.decompose(m, dimension: 2)
        #expect(abs(values[1] - 1) < 1e-15)
        #expect(abs(values[0]) < 1e-16)  // the input itself carries only absolute precision ε
    }

    @Test func gaussianAndCholeskySolve() throws {
        var rng = SeededGenerator(seed: 3)
        let n = 8
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { a[i] = rng.uniform(-1, 1) }
        let x = (0..<n).map { _ in rng.uniform(-5, 5) }
        let b = (0..<n).map { i in (0..<n).map { a[i * n + $0] * x[$0] }.reduce(0, +) }
        let solved = try DenseSolve.solve(a, b)
        for i in 0..<n { #expect(abs(solved[i] - x[i]) < 1e-10) }
        // SPD: AᵀA
        var spd = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { spd[i * n + j] = (0..<n).map { a[$0 * n + i] * a[$0 * n + j] }.reduce(0, +) } }
        var rhs = (0..<n).map { i in (0..<n).map { spd[i * n + $0] * x[$0] }.reduce(0, +) }
        var work = spd
        let ok = work.withUnsafeMutableBufferPointer { w in rhs.withUnsafeMutableBufferPointer { r in DenseSolve.cholesky(w.baseAddress!, r.baseAddress!, n: n) } }
        #expect(ok)
        for i in 0..<n { #expect(abs(rhs[i] - x[i]) < 1e-8) }
    }

    @Test func singularSystemsAreReported() {
        #expect(throws: GeometryError.self) { try DenseSolve.solve([1, 2, 2, 4], [1, 2]) }
        #expect(throws: GeometryError.self) { try DenseSolve.solve([1, 2, 3], [1, 2]) }
        #expect(throws: GeometryError.self) { try SymmetricEigen.decompose([1, .nan, .nan, 1], dimension: 2) }
        var m: [Double] = [1, 2, 2, 1]  // indefinite
        var r: [Double] = [1, 1]
        let ok = m.withUnsafeMutableBufferPointer { w in r.withUnsafeMutableBufferPointer { DenseSolve.cholesky(w.baseAddress!, $0.baseAddress!, n: 2) } }
        #expect(!ok)
    }

    @Test func normalisationHasCentroidZeroAndMeanDistanceSqrt2() throws {
        let pts = [Point2(100, 200), Point2(130, 210), Point2(90, 260), Point2(170, 240)]
        let t = try PointNormalization(points: pts)
        let q = pts.map(t.apply)
        #expect(abs(q.map(\.x).reduce(0, +)) < 1e-12 && abs(q.map(\.y).reduce(0, +)) < 1e-12)
        #expect(abs(q.map(\.length).reduce(0, +) / 4 - 2.0.squareRoot()) < 1e-12)
        #expect((t.inverseMatrix * t.matrix).maxDifference(to: .identity) < 1e-12)
        #expect(throws: GeometryError.self) { try PointNormalization(points: [Point2(1, 1), Point2(1, 1)]) }
    }
}
