import AnchorGeometry
import AnchorImaging

/// The terraces of an SPM frame: regions of the surface separated by steps, found from the
/// local median background (`Image.medianBackgroundRemoved`).
///
/// Why: across a step of Si(111)-7×7 the 7×7 lattice of the other terrace is in general
/// shifted by a fraction of a cell. Where one terrace fills whole scan lines that shift cannot
/// be told from a scan-line offset, so the lattice of each terrace must be fitted from its own
/// anchors — and for that the terraces must be known. The background (the median over two
/// lattice periods) is flat on a terrace, with only tilt and bow, and jumps by the step height
/// at a step: its gradient, against a robust threshold (median + 6 robust standard
/// deviations of the gradient over the frame), widened by 2 px, marks the steps; the connected regions
/// between them holding at least 5 % of the frame are the terraces.
struct TerraceMap {
    let width: Int
    let height: Int
    /// Per pixel: the terrace index (0 = the largest), or −1 on a step or a small region.
    let labels: [Int]
    /// Number of terraces.
    let count: Int

    /// - Parameters:
    ///   - plane: the plane-levelled image.
    ///   - window: side of the median background window (pixels), about two lattice periods.
    init(plane: Image, window: Int) throws {
        let width = plane.width, height = plane.height
        self.width = width
        self.height = height
        let removed = try plane.medianBackgroundRemoved(window: window, step: max(1, (window - 1) / 8))
        var background = plane
        for i in background.pixels.indices { background.pixels[i] = plane.pixels[i] - removed.pixels[i] }
        let smooth = try background.gaussianBlurred(sigma: 1)
        var gradient = [Double](repeating: 0, count: width * height)
        for y in 1..<max(1, height - 1) {
            for x in 1..<max(1, width - 1) {
                let gx = Double(smooth[x + 1, y]) - Double(smooth[x - 1, y])
                let gy = Double(smooth[x, y + 1]) - Double(smooth[x, y - 1])
                gradient[y * width + x] = (gx * gx + gy * gy).squareRoot() / 2
            }
        }
        let finite = gradient.filter(\.isFinite)
        let med = median(finite)
        let mad = 1.4826 * median(finite.map { abs($0 - med) })
        let threshold = med + 6 * max(mad, 1e-12)
        // A step is a line; noise breaks it into dashes. Widening every step pixel by 2 px
        // closes the gaps so that the terraces on either side are not joined through them.
        var step = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            for x in 0..<width where gradient[y * width + x] > threshold {
                for yy in max(0, y - 2)...min(height - 1, y + 2) {
                    for xx in max(0, x - 2)...min(width - 1, x + 2) { step[yy * width + xx] = true }
                }
            }
        }
        let flat = try BinaryImage(width: width, height: height, values: step.map { !$0 })
        let components = ConnectedComponents(flat, connectivity: .four)
        let big = components.components.filter { Double($0.area) >= 0.05 * Double(width * height) }
            .sorted { $0.area > $1.area }
        var index = [Int32: Int]()
        for (k, c) in big.enumerated() { index[Int32(c.label)] = k }
        labels = components.labels.map { index[$0] ?? -1 }
        count = big.count
    }

    /// The terrace at image point `p` (pixels), −1 off the terraces or outside the frame.
    func terrace(at p: Point2) -> Int {
        guard p.isFinite else { return -1 }
        let x = Int(p.x.rounded()), y = Int(p.y.rounded())
        guard x >= 0, y >= 0, x < width, y < height else { return -1 }
        return labels[y * width + x]
    }
}
