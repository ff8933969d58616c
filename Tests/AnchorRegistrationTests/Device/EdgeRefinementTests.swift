import AnchorGeometry
import AnchorImaging
import Foundation
import Testing
@testable import AnchorRegistration

@Suite("Sub-pixel sides of a quadrilateral")
struct EdgeRefinementTests {
    /// A light square (side 160 px, turned 7°) on a dark background, with a strip of darker
    /// layer along its bottom side that widens from 0 to `strip` px over the right half (a
    /// dark patch whose boundary meets the side at a grazing angle), each pixel the mean of
    /// 4 × 4 sub-samples, blurred by σ = 0.8 px, with white noise σ = 1.
    static func wedgeImage(strip: Double) throws -> (Image, [Point2]) {
        let side = 160.0
        let h = Homography.translation(160, 120) * Homography.rotation(7 * .pi / 180)
            * Homography.translation(-side / 2, -side / 2)
        let inv = try h.inverse()
        let w = 320, ht = 240
        var px = [Float](repeating: 0, count: w * ht)
        var g = SeededGenerator(seed: 11)
        for y in 0..<ht {
            for x in 0..<w {
                var s: Float = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let m = inv.apply(Point2(Double(x) + (Double(sx) - 1.5) / 4, Double(y) + (Double(sy) - 1.5) / 4))
                        guard m.x >= 0, m.x < side, m.y >= 0, m.y < side else { s += 80; continue }
                        let width = max(0, (m.x - side / 2) / (side / 2) * strip)
                        s += m.y > side - width ? 120 : 200
                    }
                }
                px[y * w + x] = s / 16
            }
        }
        var img = try Image(width: w, height: ht, pixels: px).gaussianBlurred(sigma: 0.8)
        for i in img.pixels.indices { img.pixels[i] += Float(g.normal()) }
        let truth = [Point2(0, 0), Point2(side, 0), Point2(side, side), Point2(0, side)].map { h.apply($0) }
        return (img, truth)
    }

    /// A strip widening to 12 px: its wide part (beyond the 6.5 px the interior test looks
    /// at) gives clean dark-layer edges, its middle is rejected by the interior test, and its
    /// narrow start (< 2.5 px, ~17 px long) is left to the line fit's outlier rejection.
    /// Known limit (docs/align.md): strips that stay narrower than 2.5 px over a long stretch
    /// (widening to 2–8 px over half the side) still bias a corner by 1–2 px, as before the
    /// interior test — such a profile is a shifted step, indistinguishable in shape.
    @Test("a dark strip along half of a side, meeting it at a grazing angle, does not bias the corners")
    func grazingDarkStrip() throws {
        let (img, truth) = try Self.wedgeImage(strip: 12)
        let q = try #require(try RectangleExtractor().extract(img).quadrilaterals.first)
        for t in truth {
            let e = q.corners.map { $0.distance(to: t) }.min() ?? .infinity
            // 0.1 % of the 160 px side.
            #expect(e < 0.16, "corner \(t): error \(e) px")
        }
    }

    @Test("the interior test passes a clean step and rejects a step followed by a second one")
    func interiorTest() throws {
        // Profiles along +x: background 80 up to x = 50, then 200 (clean), or 120 for 3 px
        // and then 200 (two steps), blurred.
        func image(_ stripWidth: Int) throws -> Image {
            let w = 100
            let row = (0..<w).map { x -> Float in x < 50 ? 80 : (x < 50 + stripWidth ? 120 : 200) }
            return try Image(width: w, height: 8, pixels: Array((0..<8).map { _ in row }.joined())).gaussianBlurred(sigma: 1.3)
        }
        let clean = try image(0), stepped = try image(4)
        let edge = Point2(49.5, 4)
        #expect(QuadrilateralEdgeRefinement.isCleanStep(clean, at: edge, normal: Point2(1, 0), sign: 1, contrast: 120, noise: 1))
        #expect(!QuadrilateralEdgeRefinement.isCleanStep(stepped, at: edge, normal: Point2(1, 0), sign: 1, contrast: 120, noise: 1))
        // Beyond the image: cannot be checked, so not clean.
        #expect(!QuadrilateralEdgeRefinement.isCleanStep(clean, at: Point2(96, 4), normal: Point2(1, 0), sign: 1, contrast: 120, noise: 1))
    }
}
