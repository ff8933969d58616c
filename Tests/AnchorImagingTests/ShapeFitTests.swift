import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// Renders a filled convex polygon with 8×8 supersampled (pixels within 0.75 px of an edge) coverage: value = lo + (hi − lo)·coverage.
func renderPolygon(_ v: [Point2], width: Int, height: Int, lo: Float, hi: Float) throws -> Image {
    var img = try Image(width: width, height: height, fill: lo)
    let n = 8
    let sign: Double = signedPolygonArea(v) > 0 ? 1 : -1
    // Signed distance of (x, y) to the polygon's edge lines, the smallest: > 0 inside.
    func depth(_ x: Double, _ y: Double) -> Double {
        var d = Double.infinity
        for i in 0..<v.count {
            let a = v[i], b = v[(i + 1) % v.count]
            let len = hypot(b.x - a.x, b.y - a.y)
            d = min(d, sign * ((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x)) / len)
        }
        return d
    }
    func inside(_ x: Double, _ y: Double) -> Bool { depth(x, y) >= 0 }
    let xs = v.map(\.x), ys = v.map(\.y)
    for y in max(0, Int(ys.min()!) - 1)...min(height - 1, Int(ys.max()!) + 1) {
        for x in max(0, Int(xs.min()!) - 1)...min(width - 1, Int(xs.max()!) + 1) {
            let d = depth(Double(x), Double(y))
            if d > 0.75 { img[x, y] = hi; continue }
            if d < -0.75 { continue }
            var c = 0
            for j in 0..<n { for i in 0..<n {
                if inside(Double(x) - 0.5 + (Double(i) + 0.5) / Double(n), Double(y) - 0.5 + (Double(j) + 0.5) / Double(n)) { c += 1 }
            } }
            img[x, y] = lo + (hi - lo) * Float(c) / Float(n * n)
        }
    }
    return img
}

@Suite("Shape fits")
struct ShapeFitTests {
    @Test("convex hull of a grid with interior points is its corners")
    func hull() {
        var pts: [Point2] = []
        for y in 0...4 { for x in 0...5 { pts.append(Point2(Double(x), Double(y))) } }
        let h = convexHull(pts)
        #expect(Set(h) == Set([Point2(0, 0), Point2(5, 0), Point2(5, 4), Point2(0, 4)]))
        #expect(signedPolygonArea(h) == 20)
        #expect(convexHull([Point2(1, 1), Point2(1, 1)]).count == 1)
    }

    @Test("minimum-area rectangle of a rotated rectangle's points recovers angle and sides")
    func minRect() throws {
        var g = SeededGenerator(seed: 21)
        let theta = 0.4, w = 30.0, h = 12.0, c = Point2(50, 40)
        var pts: [Point2] = []
        for _ in 0..<400 {
            let u = g.uniform(-w / 2, w / 2), v = g.uniform(-h / 2, h / 2)
            pts.append(Point2(c.x + u * cos(theta) - v * sin(theta), c.y + u * sin(theta) + v * cos(theta)))
        }
        // The four corners themselves make the rectangle exact.
        for (u, v) in [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)] {
            pts.append(Point2(c.x + u * cos(theta) - v * sin(theta), c.y + u * sin(theta) + v * cos(theta)))
        }
        let r = try minimumAreaRectangle(pts)
        #expect(abs(r.angle - theta) < 1e-9)
        #expect(abs(r.width - w) < 1e-9 && abs(r.height - h) < 1e-9)
        #expect(abs(r.centre.x - c.x) < 1e-9 && abs(r.centre.y - c.y) < 1e-9)
        // A quarter turn more gives the same rectangle with sides swapped, angle normalised.
        let turned = pts.map { Point2(c.x - ($0.y - c.y), c.y + ($0.x - c.x)) }
        let r2 = try minimumAreaRectangle(turned)
        #expect(abs(r2.angle - theta) < 1e-9 && abs(r2.width - h) < 1e-9 && abs(r2.height - w) < 1e-9)
        #expect(throws: GeometryError.self) { try minimumAreaRectangle([Point2(0, 0), Point2(1, 1), Point2(2, 2)]) }
    }

    @Test("quadrilateral fit recovers the corners of a blurred, noisy, perspective-warped square to sub-pixel")
    func quadFit() throws {
        // Model square (0,0)–(1,1) through a perspective H to image corners.
        let truth = [Point2(40.3, 50.7), Point2(160.2, 45.1), Point2(170.8, 150.4), Point2(35.6, 160.9)]
        var img = try renderPolygon(truth, width: 210, height: 200, lo: 0.2, hi: 0.8)
        img = try img.gaussianBlurred(sigma: 1.2)
        var g = SeededGenerator(seed: 3)
        for i in 0..<img.count { img.pixels[i] += Float(0.02 * g.normal()) }
        let fit = try img.findQuadrilateral()
        #expect(fit.corners.count == 4)
        var worst = 0.0
        for (a, b) in zip(fit.corners, truth) { worst = max(worst, hypot(a.x - b.x, a.y - b.y)) }
        #expect(worst < 0.2, "worst corner error \(worst) px")
        print("quad fit worst corner error", worst, "px, rms", fit.rmsResidual)
        #expect(fit.rmsResidual < 0.2)
        // Outline-only fit (no image): the thresholded outline is biased, but within ~1 px.
        let mask = try img.otsuMask()
        let cc = ConnectedComponents(mask)
        let outline = try cc.outerContour(of: cc.largest!.label)
        let rough = try fitQuadrilateral(outline: outline)
        for (a, b) in zip(rough.corners, truth) { #expect(hypot(a.x - b.x, a.y - b.y) < 1.5) }
    }

    @Test("a dark square on a bright background is found with brightObject: false")
    func darkQuad() throws {
        let truth = [Point2(20.5, 22.25), Point2(70.75, 18.5), Point2(75.25, 66.5), Point2(18.5, 71.75)]
        let img = try renderPolygon(truth, width: 96, height: 90, lo: 200, hi: 40).gaussianBlurred(sigma: 0.8)
        let fit = try img.findQuadrilateral(brightObject: false)
        for (a, b) in zip(fit.corners, truth) { #expect(hypot(a.x - b.x, a.y - b.y) < 0.1) }
    }

    @Test("a square at 45° (a diamond) and a strongly foreshortened one are fitted too")
    func orientations() throws {
        let diamond = [Point2(60, 12.5), Point2(107.5, 60), Point2(60, 107.5), Point2(12.5, 60)]
        let keystone = [Point2(30.25, 20.5), Point2(90.5, 35.25), Point2(88.75, 80.5), Point2(28.5, 100.25)]
        for truth in [diamond, keystone] {
            let img = try renderPolygon(truth, width: 120, height: 120, lo: 10, hi: 90).gaussianBlurred(sigma: 1)
            let fit = try img.findQuadrilateral()
            // Corners come clockwise on screen from the smallest x + y; match each truth corner.
            for c in truth {
                let d = fit.corners.map { hypot($0.x - c.x, $0.y - c.y) }.min()!
                #expect(d < 0.15, "corner \(c) off by \(d) px")
            }
            #expect(signedPolygonArea(fit.corners) > 0)
        }
    }

    @Test("degenerate outlines are typed errors")
    func degenerate() throws {
        #expect(throws: GeometryError.self) { try fitQuadrilateral(outline: [Point2(0, 0), Point2(1, 0)]) }
        let line = (0..<20).map { Point2(Double($0), 2 * Double($0)) }
        #expect(throws: GeometryError.self) { try fitQuadrilateral(outline: line) }
        let square = (0..<40).map { i -> Point2 in
            let t = Double(i % 10)
            switch i / 10 {
            case 0: return Point2(t, 0)
            case 1: return Point2(10, t)
            case 2: return Point2(10 - t, 10)
            default: return Point2(0, 10 - t)
            }
        }
        #expect(try fitQuadrilateral(outline: square).corners.count == 4)
        var bads: [QuadrilateralFitOptions] = []
        var o = QuadrilateralFitOptions(); o.edgeSearchRadius = .nan; bads.append(o)
        o = QuadrilateralFitOptions(); o.profileSpacing = 0; bads.append(o)
        o = QuadrilateralFitOptions(); o.cornerExclusion = 0.5; bads.append(o)
        o = QuadrilateralFitOptions(); o.maxIterations = 0; bads.append(o)
        for bad in bads {
            #expect(throws: GeometryError.self) { try fitQuadrilateral(outline: square, options: bad) }
        }
    }
}
