import AnchorGeometry

/// Which neighbours join foreground pixels into one component.
public enum Connectivity: Int, Hashable, Sendable, Codable {
    /// Edge neighbours (left, right, up, down).
    case four = 4
    /// Edge and corner neighbours.
    case eight = 8
}

/// One connected component of a binary mask.
public struct Component: Hashable, Sendable {
    /// Label in `ConnectedComponents.labels` (1-based; 0 is background).
    public let label: Int
    /// Number of pixels.
    public let area: Int
    /// Mean pixel position (image pixel coordinates, x right, y down).
    public let centroid: Point2
    /// Inclusive bounding box in pixel coordinates.
    public let minX: Int, minY: Int, maxX: Int, maxY: Int
    /// Column and row of the component's first pixel in raster order (top row, leftmost).
    /// Contour tracing starts here.
    public let firstPixelX: Int, firstPixelY: Int

    /// Bounding box width and height in pixels.
    public var boxWidth: Int { maxX - minX + 1 }
    public var boxHeight: Int { maxY - minY + 1 }
}

/// The labelled connected components of a binary mask.
///
/// Labels are assigned in raster order of each component's first pixel (top to bottom, left to
/// right), so they are deterministic: the component containing the first foreground pixel of
/// the image is label 1.
public struct ConnectedComponents: Sendable {
    public let width: Int
    public let height: Int
    /// Per pixel: 0 for background, else the component's label.
    public let labels: [Int32]
    /// Components in label order (`components[i].label == i + 1`).
    public let components: [Component]
    public let connectivity: Connectivity

    /// Labels the foreground of `mask`.
    /// - Complexity: O(pixels · α(pixels)) — two raster passes with union-find.
    public init(_ mask: BinaryImage, connectivity: Connectivity = .eight) {
        let w = mask.width, h = mask.height
        var lab = [Int32](repeating: 0, count: w * h)
        var parent: [Int32] = [0]
        func find(_ a: Int32) -> Int32 {
            var a = a
            while parent[Int(a)] != a {
                parent[Int(a)] = parent[Int(parent[Int(a)])]
                a = parent[Int(a)]
            }
            return a
        }
        func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            let (lo, hi) = ra < rb ? (ra, rb) : (rb, ra)
            parent[Int(hi)] = lo
            return lo
        }
        let px = mask.pixels
        for y in 0..<h {
            for x in 0..<w where px[y * w + x] != 0 {
                var l: Int32 = 0
                func consider(_ nx: Int, _ ny: Int) {
                    guard nx >= 0, nx < w, ny >= 0 else { return }
                    let n = lab[ny * w + nx]
                    guard n != 0 else { return }
                    l = l == 0 ? find(n) : union(l, n)
                }
                consider(x - 1, y)
                consider(x, y - 1)
                if connectivity == .eight {
                    consider(x - 1, y - 1)
                    consider(x + 1, y - 1)
                }
                if l == 0 {
                    l = Int32(parent.count)
                    parent.append(l)
                }
                lab[y * w + x] = l
            }
        }
        // Resolve to final labels, numbered by first appearance in raster order.
        var final = [Int32](repeating: 0, count: parent.count)
        var next: Int32 = 0
        var area: [Int] = [], sx: [Double] = [], sy: [Double] = []
        var minX: [Int] = [], minY: [Int] = [], maxX: [Int] = [], maxY: [Int] = []
        var first: [(Int, Int)] = []
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                guard lab[i] != 0 else { continue }
                let root = Int(find(lab[i]))
                if final[root] == 0 {
                    next += 1
                    final[root] = next
                    area.append(0); sx.append(0); sy.append(0)
                    minX.append(x); minY.append(y); maxX.append(x); maxY.append(y)
                    first.append((x, y))
                }
                let f = final[root]
                lab[i] = f
                let k = Int(f) - 1
                area[k] += 1
                sx[k] += Double(x)
                sy[k] += Double(y)
                if x < minX[k] { minX[k] = x }
                if x > maxX[k] { maxX[k] = x }
                maxY[k] = y
            }
        }
        var comps: [Component] = []
        comps.reserveCapacity(Int(next))
        for k in 0..<Int(next) {
            comps.append(Component(
                label: k + 1, area: area[k],
                centroid: Point2(sx[k] / Double(area[k]), sy[k] / Double(area[k])),
                minX: minX[k], minY: minY[k], maxX: maxX[k], maxY: maxY[k],
                firstPixelX: first[k].0, firstPixelY: first[k].1))
        }
        self.width = w
        self.height = h
        self.labels = lab
        self.components = comps
        self.connectivity = connectivity
    }

    /// The component with the most pixels (the first such label on ties), or nil if none.
    public var largest: Component? {
        components.max { a, b in a.area < b.area || (a.area == b.area && a.label > b.label) }
    }

    /// The mask of one component.
    public func mask(of label: Int) -> BinaryImage {
        let l = Int32(label)
        return BinaryImage(uncheckedWidth: width, height: height, pixels: labels.map { $0 == l ? 1 : 0 })
    }
}
