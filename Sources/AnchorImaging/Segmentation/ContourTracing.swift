import AnchorGeometry

extension ConnectedComponents {
    /// The outer boundary of component `label`, traced by Moore-neighbour tracing (8-neighbour
    /// steps, Jacob's stopping rule as in Suzuki & Abe's border following): the pixel centres of
    /// the component that touch its outside, in order, clockwise on screen (x right, y down),
    /// starting at the component's first pixel in raster order. Holes are not traced.
    ///
    /// Consecutive points are 8-neighbours; a pixel is listed again when the boundary passes it
    /// twice (a one-pixel-wide neck). A single-pixel component gives one point.
    /// - Throws: `ImageError.invalidParameter` for a label that is not a component.
    /// - Complexity: O(boundary length).
    public func outerContour(of label: Int) throws -> [Point2] {
        guard label >= 1, label <= components.count else {
            throw ImageError.invalidParameter(name: "label", reason: "no component \(label) (there are \(components.count))")
        }
        let comp = components[label - 1]
        let l = Int32(label)
        let w = width, h = height
        // Neighbour offsets clockwise on screen, starting west: W, NW, N, NE, E, SE, S, SW.
        let dx = [-1, -1, 0, 1, 1, 1, 0, -1]
        let dy = [0, -1, -1, -1, 0, 1, 1, 1]
        func inside(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && x < w && y >= 0 && y < h && labels[y * w + x] == l
        }
        let start = (x: comp.firstPixelX, y: comp.firstPixelY)
        var contour = [Point2(Double(start.x), Double(start.y))]
        // Search from the west neighbour (background: the start is first in raster order).
        func next(from c: (x: Int, y: Int), searchFrom s: Int) -> (Int, Int, Int)? {
            for k in 0..<8 {
                let d = (s + k) % 8
                if inside(c.x + dx[d], c.y + dy[d]) { return (c.x + dx[d], c.y + dy[d], d) }
            }
            return nil
        }
        guard let first = next(from: start, searchFrom: 1) else { return contour }
        var c = (x: first.0, y: first.1)
        var dir = first.2
        let limit = 4 * comp.area + 8
        for _ in 0..<limit {
            if c == start {
                // Stop when the step out of the start would repeat the first step.
                let s = (dir % 2 == 0) ? (dir + 6) % 8 : (dir + 5) % 8
                if let n = next(from: c, searchFrom: s), n.0 == first.0, n.1 == first.1 { break }
            }
            contour.append(Point2(Double(c.x), Double(c.y)))
            let s = (dir % 2 == 0) ? (dir + 6) % 8 : (dir + 5) % 8
            guard let n = next(from: c, searchFrom: s) else { break }
            c = (n.0, n.1)
            dir = n.2
        }
        return contour
    }
}
