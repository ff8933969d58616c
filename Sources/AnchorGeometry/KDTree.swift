/// A static 2-D k-d tree over a list of points, answering nearest-neighbour, k-nearest and
/// radius queries. Results name points by their index in the array given to `init(_:)`.
///
/// The tree is stored *implicitly* in three flat arrays (coordinates, original indices and
/// split axes) permuted into k-d order: the subtree of a range `lo..<hi` has its splitting
/// point at `mid = (lo + hi) / 2`, its left subtree in `lo..<mid` and its right subtree in
/// `mid + 1..<hi`. There are no node objects and no pointers, so building allocates three
/// arrays and queries allocate nothing except their result. Ranges of at most
/// `leafSize` points are scanned linearly, which is faster than descending further.
///
/// Each split uses the axis of larger spread in its range (robust for elongated or
/// lattice-like sets, where alternating axes can produce useless splits).
///
/// Ties: among points at exactly the same distance the one with the smaller original index
/// is reported first, so answers are deterministic and equal to a brute-force scan.
///
/// Points with a NaN or infinite coordinate are left out of the tree: they are never
/// returned, and `count` excludes them.
///
/// The tree works in whatever space its points live in (image pixels or model units); a
/// query point and radius must be in that same space.
///
/// - Complexity: building is O(n log n) expected (a median selection, linear on average,
///   per level); `nearest` is O(log n) on average for well-spread points, `nearest(to:k:)`
///   O(k log n + k²) and `indices(within:of:)` O(log n + m) for m results. Worst cases (all
///   points equidistant from the query) degrade to O(n).
public struct KDTree: Sendable {
    /// Ranges at or below this size are scanned rather than split.
    @usableFromInline static let leafSize = 8

    @usableFromInline let xs: [Double]
    @usableFromInline let ys: [Double]
    @usableFromInline let ids: [Int]
    /// Split axis (0 = x, 1 = y) of the node whose splitting point sits at this position.
    @usableFromInline let axes: [UInt8]

    /// Number of (finite) points in the tree.
    public var count: Int { ids.count }

    /// True when the tree holds no point.
    public var isEmpty: Bool { ids.isEmpty }

    /// Builds the tree. The input is not modified.
    ///
    /// - Parameter points: the points, in any coordinate space; their array positions are the
    ///   indices every query returns.
    /// - Complexity: O(n log n) expected time, O(n) memory.
    public init(_ points: [Point2]) {
        var perm = [Int]()
        perm.reserveCapacity(points.count)
        for (i, p) in points.enumerated() where p.isFinite { perm.append(i) }
        let n = perm.count
        var axes = [UInt8](repeating: 0, count: n)
        points.withUnsafeBufferPointer { pts in
            perm.withUnsafeMutableBufferPointer { perm in
                var stack: [(Int, Int)] = [(0, n)]
                while let (lo, hi) = stack.popLast() {
                    guard hi - lo > KDTree.leafSize else { continue }
                    var minX = Double.infinity, maxX = -Double.infinity
                    var minY = Double.infinity, maxY = -Double.infinity
                    for i in lo..<hi {
                        let p = pts[perm[i]]
                        minX = min(minX, p.x); maxX = max(maxX, p.x)
                        minY = min(minY, p.y); maxY = max(maxY, p.y)
                    }
                    let axis: UInt8 = (maxY - minY) > (maxX - minX) ? 1 : 0
                    let mid = (lo + hi) >> 1
                    KDTree.select(perm, lo: lo, hi: hi, k: mid, axis: axis, points: pts)
                    axes[mid] = axis
                    stack.append((lo, mid))
                    stack.append((mid + 1, hi))
                }
            }
        }
        self.ids = perm
        self.xs = perm.map { points[$0].x }
        self.ys = perm.map { points[$0].y }
        self.axes = axes
    }

    /// Rearranges `perm[lo..<hi]` so that position `k` holds the element of rank k − lo by
    /// the chosen coordinate, smaller-or-equal ones before it and larger-or-equal after
    /// (Wirth's selection with a median-of-three pivot; copes with many equal keys, as in
    /// lattices where whole rows share one coordinate).
    private static func select(
        _ perm: UnsafeMutableBufferPointer<Int>, lo: Int, hi: Int, k: Int, axis: UInt8,
        points: UnsafeBufferPointer<Point2>
    ) {
        @inline(__always) func key(_ i: Int) -> Double {
            axis == 0 ? points[perm[i]].x : points[perm[i]].y
        }
        var l = lo, r = hi - 1
        while l < r {
            let a = key(l), b = key(k), c = key(r)
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = l, j = r
            repeat {
                while key(i) < pivot { i += 1 }
                while pivot < key(j) { j -= 1 }
                if i <= j {
                    perm.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            } while i <= j
            if j < k { l = i }
            if k < i { r = j }
        }
    }

    // MARK: - Nearest neighbour

    /// The point nearest to `query`, or `nil` when the tree is empty.
    ///
    /// - Returns: its index in the array given to `init(_:)` and its Euclidean distance.
    /// - Complexity: O(log n) on average.
    public func nearest(to query: Point2) -> (index: Int, distance: Double)? {
        nearest(to: query, maxDistance: .infinity)
    }

    /// The point nearest to `query` among those at most `maxDistance` away (inclusive), or
    /// `nil` when there is none. Cheaper than `nearest(to:)` followed by a distance check,
    /// because the search never looks beyond `maxDistance`.
    public func nearest(to query: Point2, maxDistance: Double) -> (index: Int, distance: Double)? {
        guard !ids.isEmpty, query.isFinite, maxDistance >= 0 else { return nil }
        var bestD2 = maxDistance == .infinity ? Double.infinity : maxDistance * maxDistance
        var bestID = Int.max
        var bestPos = -1
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                ids.withUnsafeBufferPointer { ids in
                    axes.withUnsafeBufferPointer { axes in
                        KDTree.nearestRec(
                            lo: 0, hi: ids.count, qx: query.x, qy: query.y,
                            xs: xs, ys: ys, ids: ids, axes: axes,
                            bestD2: &bestD2, bestID: &bestID, bestPos: &bestPos)
                    }
                }
            }
        }
        guard bestPos >= 0 else { return nil }
        return (bestID, bestD2.squareRoot())
    }

    private static func nearestRec(
        lo: Int, hi: Int, qx: Double, qy: Double,
        xs: UnsafeBufferPointer<Double>, ys: UnsafeBufferPointer<Double>,
        ids: UnsafeBufferPointer<Int>, axes: UnsafeBufferPointer<UInt8>,
        bestD2: inout Double, bestID: inout Int, bestPos: inout Int
    ) {
        if hi - lo <= leafSize {
            for i in lo..<hi {
                let dx = xs[i] - qx, dy = ys[i] - qy
                let d2 = dx * dx + dy * dy
                if d2 < bestD2 || (d2 == bestD2 && ids[i] < bestID) {
                    bestD2 = d2; bestID = ids[i]; bestPos = i
                }
            }
            return
        }
        let mid = (lo + hi) >> 1
        let dx = xs[mid] - qx, dy = ys[mid] - qy
        let d2 = dx * dx + dy * dy
        if d2 < bestD2 || (d2 == bestD2 && ids[mid] < bestID) {
            bestD2 = d2; bestID = ids[mid]; bestPos = mid
        }
        let diff = axes[mid] == 0 ? qx - xs[mid] : qy - ys[mid]
        if diff < 0 {
            nearestRec(lo: lo, hi: mid, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes,
                       bestD2: &bestD2, bestID: &bestID, bestPos: &bestPos)
            if diff * diff <= bestD2 {
                nearestRec(lo: mid + 1, hi: hi, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes,
                           bestD2: &bestD2, bestID: &bestID, bestPos: &bestPos)
            }
        } else {
            nearestRec(lo: mid + 1, hi: hi, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes,
                       bestD2: &bestD2, bestID: &bestID, bestPos: &bestPos)
            if diff * diff <= bestD2 {
                nearestRec(lo: lo, hi: mid, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes,
                           bestD2: &bestD2, bestID: &bestID, bestPos: &bestPos)
            }
        }
    }

    // MARK: - k nearest

    /// The `k` points nearest to `query`, sorted by ascending distance (ties by ascending
    /// index). Returns fewer than `k` when the tree holds fewer points, and nothing for
    /// `k ≤ 0` or a non-finite query.
    ///
    /// - Complexity: O(k log n + k²) on average (the k best are kept in a sorted buffer,
    ///   which beats a heap for the small k this is used with).
    public func nearest(to query: Point2, k: Int) -> [(index: Int, distance: Double)] {
        guard k > 0, !ids.isEmpty, query.isFinite else { return [] }
        var best = KBest(capacity: min(k, ids.count))
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                ids.withUnsafeBufferPointer { ids in
                    axes.withUnsafeBufferPointer { axes in
                        KDTree.knnRec(lo: 0, hi: ids.count, qx: query.x, qy: query.y,
                                      xs: xs, ys: ys, ids: ids, axes: axes, best: &best)
                    }
                }
            }
        }
        return best.items.map { ($0.id, $0.d2.squareRoot()) }
    }

    /// The k best candidates so far, sorted by (squared distance, index).
    private struct KBest {
        let capacity: Int
        var items: [(d2: Double, id: Int)] = []

        init(capacity: Int) {
            self.capacity = capacity
            items.reserveCapacity(capacity + 1)
        }

        /// Squared distance a candidate must not exceed to matter.
        var bound: Double { items.count < capacity ? .infinity : items[items.count - 1].d2 }

        mutating func offer(d2: Double, id: Int) {
            if items.count == capacity {
                let w = items[items.count - 1]
                guard d2 < w.d2 || (d2 == w.d2 && id < w.id) else { return }
                items.removeLast()
            }
            var i = items.count
            items.append((d2, id))
            while i > 0, items[i - 1].d2 > d2 || (items[i - 1].d2 == d2 && items[i - 1].id > id) {
                items[i] = items[i - 1]
                i -= 1
            }
            items[i] = (d2, id)
        }
    }

    private static func knnRec(
        lo: Int, hi: Int, qx: Double, qy: Double,
        xs: UnsafeBufferPointer<Double>, ys: UnsafeBufferPointer<Double>,
        ids: UnsafeBufferPointer<Int>, axes: UnsafeBufferPointer<UInt8>, best: inout KBest
    ) {
        if hi - lo <= leafSize {
            for i in lo..<hi {
                let dx = xs[i] - qx, dy = ys[i] - qy
                best.offer(d2: dx * dx + dy * dy, id: ids[i])
            }
            return
        }
        let mid = (lo + hi) >> 1
        let dx = xs[mid] - qx, dy = ys[mid] - qy
        best.offer(d2: dx * dx + dy * dy, id: ids[mid])
        let diff = axes[mid] == 0 ? qx - xs[mid] : qy - ys[mid]
        let (nearLo, nearHi, farLo, farHi) = diff < 0 ? (lo, mid, mid + 1, hi) : (mid + 1, hi, lo, mid)
        knnRec(lo: nearLo, hi: nearHi, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes, best: &best)
        if diff * diff <= best.bound {
            knnRec(lo: farLo, hi: farHi, qx: qx, qy: qy, xs: xs, ys: ys, ids: ids, axes: axes, best: &best)
        }
    }

    // MARK: - Radius queries

    /// Indices of all points at distance ≤ `radius` (inclusive) from `query`, in ascending
    /// index order. Empty for a negative or non-finite radius or query.
    ///
    /// - Complexity: O(log n + m) on average for m results (plus O(m log m) to sort them).
    public func indices(within radius: Double, of query: Point2) -> [Int] {
        var out: [Int] = []
        forEach(within: radius, of: query) { i, _ in out.append(i) }
        out.sort()
        return out
    }

    /// Number of points at distance ≤ `radius` from `query`, without building a list.
    public func count(within radius: Double, of query: Point2) -> Int {
        var n = 0
        forEach(within: radius, of: query) { _, _ in n += 1 }
        return n
    }

    /// Calls `body(index, squaredDistance)` for every point at distance ≤ `radius` from
    /// `query`, in tree order (not sorted). The allocation-free form of
    /// `indices(within:of:)` for hot loops.
    public func forEach(
        within radius: Double, of query: Point2, _ body: (_ index: Int, _ squaredDistance: Double) -> Void
    ) {
        guard !ids.isEmpty, query.isFinite, radius >= 0, radius.isFinite else { return }
        let r2 = radius * radius
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                ids.withUnsafeBufferPointer { ids in
                    axes.withUnsafeBufferPointer { axes in
                        KDTree.radiusRec(lo: 0, hi: ids.count, qx: query.x, qy: query.y, r2: r2,
                                         xs: xs, ys: ys, ids: ids, axes: axes, body: body)
                    }
                }
            }
        }
    }

    private static func radiusRec(
        lo: Int, hi: Int, qx: Double, qy: Double, r2: Double,
        xs: UnsafeBufferPointer<Double>, ys: UnsafeBufferPointer<Double>,
        ids: UnsafeBufferPointer<Int>, axes: UnsafeBufferPointer<UInt8>,
        body: (Int, Double) -> Void
    ) {
        if hi - lo <= leafSize {
            for i in lo..<hi {
                let dx = xs[i] - qx, dy = ys[i] - qy
                let d2 = dx * dx + dy * dy
                if d2 <= r2 { body(ids[i], d2) }
            }
            return
        }
        let mid = (lo + hi) >> 1
        let dx = xs[mid] - qx, dy = ys[mid] - qy
        let d2 = dx * dx + dy * dy
        if d2 <= r2 { body(ids[mid], d2) }
        let diff = axes[mid] == 0 ? qx - xs[mid] : qy - ys[mid]
        if diff <= 0 || diff * diff <= r2 {
            radiusRec(lo: lo, hi: mid, qx: qx, qy: qy, r2: r2, xs: xs, ys: ys, ids: ids, axes: axes, body: body)
        }
        if diff >= 0 || diff * diff <= r2 {
            radiusRec(lo: mid + 1, hi: hi, qx: qx, qy: qy, r2: r2, xs: xs, ys: ys, ids: ids, axes: axes, body: body)
        }
    }
}
