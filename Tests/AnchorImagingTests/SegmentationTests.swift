import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

private func mask(_ rows: [String]) throws -> BinaryImage {
    try BinaryImage(width: rows[0].count, height: rows.count, values: rows.flatMap { $0.map { $0 == "#" } })
}

private func randomMask(_ w: Int, _ h: Int, seed: UInt64, density: Double) throws -> BinaryImage {
    var g = SeededGenerator(seed: seed)
    return try BinaryImage(width: w, height: h, values: (0..<(w * h)).map { _ in g.uniform(0, 1) < density })
}

@Suite("Segmentation")
struct SegmentationTests {
    @Test("Otsu separates a bimodal image between its modes")
    func otsu() throws {
        var g = SeededGenerator(seed: 1)
        var img = try Image(width: 100, height: 100)
        for i in 0..<img.count {
            let bright = i % 100 < 30
            img.pixels[i] = Float((bright ? 200 : 60) + 8 * g.normal())
        }
        let t = try OtsuThreshold(img)
        #expect(t.threshold > 90 && t.threshold < 170, "threshold \(t.threshold) means \(t.lowerMean) \(t.upperMean)")
        #expect(abs(t.lowerMean - 60) < 2 && abs(t.upperMean - 200) < 2)
        #expect(t.separability > 0.9)
        let m = img.thresholded(t.threshold)
        #expect(m.foregroundCount == 3000)
        #expect(throws: ImageError.self) { try OtsuThreshold(try Image(width: 4, height: 4, fill: 1)) }
        #expect(throws: ImageError.self) { try OtsuThreshold(img, bins: 1) }
    }

    @Test("dilation of a point is the structuring element")
    func dilatePoint() throws {
        var m = try BinaryImage(width: 11, height: 11)
        m[5, 5] = true
        let d = try m.dilated(by: .disk(radius: 3))
        for y in 0..<11 { for x in 0..<11 {
            #expect(d[x, y] == ((x - 5) * (x - 5) + (y - 5) * (y - 5) <= 9))
        } }
        let s = try m.dilated(by: .square(radius: 2))
        #expect(s.foregroundCount == 25)
        #expect(throws: ImageError.self) { try m.dilated(by: .square(radius: -1)) }
        // An absurd radius acts like one covering the whole image (no huge allocation).
        #expect(try m.dilated(by: .disk(radius: 1 << 40)).foregroundCount == 121)
        #expect(try m.eroded(by: .square(radius: Int.max / 2)).foregroundCount == 0)
    }

    @Test("morphology identities: duality, (anti-)extensivity, idempotence",
          arguments: [StructuringElement.square(radius: 1), .disk(radius: 2), .square(radius: 3)])
    func identities(element: StructuringElement) throws {
        let m = try randomMask(31, 27, seed: 9, density: 0.55)
        let e = try m.eroded(by: element)
        let d = try m.dilated(by: element)
        #expect(e == (try m.inverted().dilated(by: element).inverted()))
        let o = try m.opened(by: element), c = try m.closed(by: element)
        for i in 0..<m.pixels.count {
            #expect(e.pixels[i] <= m.pixels[i] && m.pixels[i] <= d.pixels[i])
            #expect(o.pixels[i] <= m.pixels[i] && m.pixels[i] <= c.pixels[i])
        }
        #expect(try o.opened(by: element) == o)
        #expect(try c.closed(by: element) == c)
        // Erosion keeps objects touching the edge (outside is ignored).
        #expect(try BinaryImage(width: 5, height: 5, value: true).eroded(by: element).foregroundCount == 25)
    }

    @Test("connected components: labels, areas, centroids, boxes, 4 vs 8")
    func components() throws {
        let m = try mask([
            "##....#",
            "##...#.",
            ".....#.",
            "..###..",
            "..#.#..",
        ])
        let c8 = ConnectedComponents(m, connectivity: .eight)
        #expect(c8.components.count == 2)
        let a = c8.components[0]
        #expect(a.area == 4 && a.centroid == Point2(0.5, 0.5) && a.minX == 0 && a.maxY == 1)
        // The diagonal chain (6,0)-(5,1)-(5,2) joins the ring at (4,3) under 8-connectivity.
        let b = c8.components[1]
        #expect(b.area == 3 + 5)
        #expect(b.minX == 2 && b.maxX == 6 && b.minY == 0 && b.maxY == 4)
        let c4 = ConnectedComponents(m, connectivity: .four)
        #expect(c4.components.count == 4)
        #expect(c4.components.map(\.area).sorted() == [1, 2, 4, 5])
        #expect(c8.largest?.label == 2)
        #expect(c8.mask(of: 1).foregroundCount == 4)
        #expect(c8.labels[0] == 1 && c8.labels[6] == 2)
    }

    @Test("contour of a rectangle is its perimeter, clockwise from the top-left")
    func contourRectangle() throws {
        var m = try BinaryImage(width: 14, height: 10)
        for y in 2...6 { for x in 3...10 { m[x, y] = true } }
        let cc = ConnectedComponents(m)
        let contour = try cc.outerContour(of: 1)
        #expect(contour.count == 2 * (8 + 5) - 4)
        #expect(contour[0] == Point2(3, 2))
        #expect(contour[1] == Point2(4, 2))
        #expect(Set(contour).count == contour.count)
        for p in contour { #expect(p.x == 3 || p.x == 10 || p.y == 2 || p.y == 6) }
        #expect(signedPolygonArea(contour) > 0)
        #expect(throws: ImageError.self) { try cc.outerContour(of: 2) }
    }

    @Test("contour of a filled triangle visits every boundary pixel, 8-adjacent steps")
    func contourPolygon() throws {
        // Triangle (2,2), (25,5), (8,20), filled by half-plane tests.
        var m = try BinaryImage(width: 30, height: 24)
        let v = [Point2(2, 2), Point2(25, 5), Point2(8, 20)]
        func inside(_ x: Double, _ y: Double) -> Bool {
            (0..<3).allSatisfy { i in
                let a = v[i], b = v[(i + 1) % 3]
                return (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0
            }
        }
        for y in 0..<24 { for x in 0..<30 where inside(Double(x), Double(y)) { m[x, y] = true } }
        let cc = ConnectedComponents(m)
        #expect(cc.components.count == 1)
        let contour = try cc.outerContour(of: 1)
        var boundary = Set<Point2>()
        for y in 0..<24 { for x in 0..<30 where m[x, y] {
            let out = [(1, 0), (-1, 0), (0, 1), (0, -1)].contains { d in
                let xx = x + d.0, yy = y + d.1
                return xx < 0 || yy < 0 || xx >= 30 || yy >= 24 || !m[xx, yy]
            }
            if out { boundary.insert(Point2(Double(x), Double(y))) }
        } }
        #expect(Set(contour) == boundary)
        for i in 0..<contour.count {
            let a = contour[i], b = contour[(i + 1) % contour.count]
            #expect(max(abs(a.x - b.x), abs(a.y - b.y)) == 1)
        }
        #expect(signedPolygonArea(contour) > 0)
        // A single pixel is its own contour.
        var one = try BinaryImage(width: 3, height: 3)
        one[1, 1] = true
        #expect(try ConnectedComponents(one).outerContour(of: 1) == [Point2(1, 1)])
    }
}
