import Testing
@testable import AnchorGeometry

@Suite struct HomographyTests {
    let h = Homography(0.8, 0.2, 0, 0.1, 1.2, 0, 0.005, 0.001, 1)  // the paper's Fig. 2c example

    @Test func applyUsesProjectiveDivision() {
        let p = h.apply(Point2(10, 20))
        let w = 0.005 * 10 + 0.001 * 20 + 1
        #expect(abs(p.x - (0.8 * 10 + 0.2 * 20) / w) < 1e-13)
        #expect(abs(p.y - (0.1 * 10 + 1.2 * 20) / w) < 1e-13)
    }

    @Test func inverseUndoesTransform() throws {
        let inv = try h.inverse()
        for p in [Point2(0, 0), Point2(33, -7), Point2(99, 99)] {
            let q = inv.apply(h.apply(p))
            #expect(q.distance(to: p) < 1e-12)
        }
        #expect((h * inv).maxDifference(to: .identity) < 1e-14)
    }

    @Test func compositionAppliesRightFactorFirst() {
        let t = Homography.translation(3, 4)
        let s = Homography.scaling(2, 2)
        let p = Point2(1, 1)
        #expect((t * s).apply(p) == Point2(5, 6))
        #expect(s.followed(by: t).apply(p) == Point2(5, 6))
        #expect((s * t).apply(p) == Point2(8, 10))
    }

    @Test func singularMatrixThrows() {
        let singular = Homography(1, 2, 3, 2, 4, 6, 0, 0, 1)
        #expect(throws: GeometryError.self) { try singular.inverse() }
        let nan = Homography(.nan, 0, 0, 0, 1, 0, 0, 0, 1)
        #expect(throws: GeometryError.self) { try nan.inverse() }
    }

    @Test func pointAtInfinityIsReported() {
        let p = Homography(1, 0, 0, 0, 1, 0, 1, 0, 1)  // w = x + 1 vanishes at x = −1
        #expect(throws: GeometryError.self) { try p.applyChecked(Point2(-1, 5)) }
        #expect((try? p.applyChecked(Point2(1, 5))) == Point2(0.5, 2.5))
    }

    @Test func jsonRoundTrip() throws {
        let data = try JSONEncoder().encode(h)
        let back = try JSONDecoder().decode(Homography.self, from: data)
        #expect(back == h)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(Homography.self, from: Data("[[1,2],[3,4]]".utf8))
        }
    }
}

import Foundation
