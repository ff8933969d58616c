import AnchorGeometry

/// A displacement field of the scan: d(x, y) = o(y) + x·g(y) + e(x) (pixels; o the line's
/// offset at x = 0, g its change per pixel along the line, e the fast-axis profile shared by
/// every line).
///
/// Why this form: a scanning-probe image is recorded line by line, each line in a fraction of
/// a second. Drift and creep during one line are close to uniform motion, which displaces the
/// line's samples linearly in x (time within the line); from one line to the next the motion
/// changes (creep decays, thermal drift wanders). A homography has eight numbers for the whole
/// frame; this field has four per line, smooth along y, and nothing else — it cannot bend a
/// line, so it cannot absorb a misplaced anchor within one. The scanner's own non-linearity
/// along the fast axis (piezo hysteresis compresses the start of every line) is the same in
/// every line: e(x), smooth along x, without constant or linear part (those belong to o, g).
///
/// Each line's o and g are the least-squares fit to the residuals of the samples within
/// `halfWidth` lines (widened until there are `minimumCount`), after dropping samples farther
/// than three robust standard deviations from a first fit.
struct ScanLineField {
    var offsets: [Point2]
    var slopes: [Point2]
    /// e(x), index = image column x.
    var profile: [Point2]

    /// The zero field for a `width`×`height` frame.
    init(width: Int, height: Int) {
        offsets = [Point2](repeating: .zero, count: height)
        slopes = [Point2](repeating: .zero, count: height)
        profile = [Point2](repeating: .zero, count: width)
    }

    /// Fits the field to `samples` (image position, residual displacement), pixels: the lines'
    /// o, g and the profile e alternately, twice. With `step` > 1 only every step-th line and
    /// column is fitted and the others interpolated linearly (for a `halfWidth` of many lines
    /// the field is smooth on that scale; the distortion selection fits it many times).
    init(samples: [(position: Point2, residual: Point2)], width: Int, height: Int, halfWidth: Double, minimumCount: Int,
         step: Int = 1) {
        self.init(width: width, height: height)
        guard samples.count >= max(minimumCount, 3) else { return }
        let step = max(1, step)
        for round in 0..<2 {
            let e = profile
            fitLines(samples.map { ($0.position, $0.residual - Self.interpolate(e, at: $0.position.x)) },
                     halfWidth: halfWidth, minimumCount: minimumCount, step: step)
            if round == 1 { break }
            let rest = samples.map { s -> (position: Point2, residual: Point2) in
                let y = s.position.y
                return (s.position, s.residual - Self.lineDisplacement(x: s.position.x, y: y, offsets: offsets, slopes: slopes))
            }
            fitProfile(rest, width: width, halfWidth: halfWidth, minimumCount: minimumCount, step: step)
        }
    }

    /// The indices 0, step, 2·step, … and the last one.
    private static func knots(_ count: Int, step: Int) -> [Int] {
        var k = Array(stride(from: 0, to: count, by: step))
        if k.last != count - 1 { k.append(count - 1) }
        return k
    }

    /// Linear interpolation between the knots' values, in place.
    private static func fillBetween(_ v: inout [Point2], knots: [Int]) {
        for (a, b) in zip(knots, knots.dropFirst()) where b > a + 1 {
            for i in (a + 1)..<b {
                let f = Double(i - a) / Double(b - a)
                v[i] = v[a] * (1 - f) + v[b] * f
            }
        }
    }

    /// e(x): the median remaining residual of the samples in a band of columns, less its
    /// least-squares line.
    private mutating func fitProfile(_ samples: [(position: Point2, residual: Point2)], width: Int, halfWidth: Double, minimumCount: Int,
                                     step: Int) {
        let swapped = samples.map { (position: Point2($0.position.y, $0.position.x), offset: $0.residual) }
        let band = ScanBandField(samples: swapped.map { (y: $0.position.y, offset: $0.offset) }, halfWidth: halfWidth, minimumCount: minimumCount)
        var e: [Point2]
        if step == 1 {
            e = (0..<width).map { band.displacement(atRow: Double($0)) }
        } else {
            let columns = Self.knots(width, step: step)
            e = [Point2](repeating: .zero, count: width)
            for (c, d) in zip(columns, band.displacements(atRows: columns.map(Double.init))) { e[c] = d }
            Self.fillBetween(&e, knots: columns)
        }
        // Remove the constant and linear part.
        let n = Double(width)
        let mx = (n - 1) / 2
        let me = e.reduce(Point2.zero, +) * (1 / n)
        var sxx = 0.0, sxe = Point2.zero
        for x in 0..<width {
            let d = Double(x) - mx
            sxx += d * d
            sxe += (e[x] - me) * d
        }
        let slope = sxx > 0 ? sxe * (1 / sxx) : .zero
        for x in 0..<width { e[x] = e[x] - me - slope * (Double(x) - mx) }
        profile = e
    }

    private mutating func fitLines(_ samples: [(Point2, Point2)], halfWidth: Double, minimumCount: Int, step: Int) {
        let height = offsets.count
        let sorted = samples.map { (position: $0.0, residual: $0.1) }.sorted { $0.position.y < $1.position.y }
        let ys = sorted.map(\.position.y)
        func lowerBound(_ v: Double) -> Int {
            var a = 0, b = ys.count
            while a < b {
                let m = (a + b) / 2
                if ys[m] < v { a = m + 1 } else { b = m }
            }
            return a
        }
        let rows = Self.knots(height, step: step)
        for y in rows {
            var w = halfWidth
            var lo = 0, hi = 0
            while true {
                lo = lowerBound(Double(y) - w)
                hi = lowerBound(Double(y) + w + 1e-12)
                if hi - lo >= minimumCount || (lo == 0 && hi == ys.count) { break }
                w *= 1.5
            }
            let slice = Array(sorted[lo..<hi])
            guard var (o, g) = Self.lineFit(slice) else { continue }
            // Trim and refit.
            let errors = slice.map { ($0.residual - (o + g * $0.position.x)).length }
            let mad = median(errors)
            let kept = slice.indices.filter { errors[$0] <= max(3 * 1.4826 * mad, 1e-9) }.map { slice[$0] }
            if kept.count >= 3, kept.count < slice.count, let refit = Self.lineFit(kept) { (o, g) = refit }
            offsets[y] = o
            slopes[y] = g
        }
        if step > 1 {
            Self.fillBetween(&offsets, knots: rows)
            Self.fillBetween(&slopes, knots: rows)
        }
    }

    /// Least squares r = o + x·g (both coordinates share the design); the slope is dropped when
    /// the samples span too little of the line to define it.
    static func lineFit(_ s: [(position: Point2, residual: Point2)]) -> (Point2, Point2)? {
        guard !s.isEmpty else { return nil }
        let n = Double(s.count)
        let mx = s.reduce(0) { $0 + $1.position.x } / n
        let mr = s.reduce(Point2.zero) { $0 + $1.residual } * (1 / n)
        var sxx = 0.0
        var sxr = Point2.zero
        for e in s {
            let dx = e.position.x - mx
            sxx += dx * dx
            sxr += (e.residual - mr) * dx
        }
        // Fewer than three samples or all within a few pixels: offset only.
        guard s.count >= 3, sxx / n > 25 else { return (mr, .zero) }
        let g = sxr * (1 / sxx)
        return (mr - g * mx, g)
    }

    /// d(x, y) at an image point, pixels (rows and columns interpolated linearly, clamped to
    /// the frame).
    func displacement(at p: Point2) -> Point2 {
        Self.displacement(at: p, offsets: offsets, slopes: slopes, profile: profile)
    }

    static func displacement(at p: Point2, offsets: [Point2], slopes: [Point2], profile: [Point2]) -> Point2 {
        guard p.x.isFinite, p.y.isFinite else { return .zero }
        return lineDisplacement(x: p.x, y: p.y, offsets: offsets, slopes: slopes) + interpolate(profile, at: p.x)
    }

    static func lineDisplacement(x: Double, y: Double, offsets: [Point2], slopes: [Point2]) -> Point2 {
        guard !offsets.isEmpty, offsets.count == slopes.count, x.isFinite, y.isFinite else { return .zero }
        let c = min(max(y, 0), Double(offsets.count - 1))
        let i = Int(c.rounded(.down)), f = c - Double(i)
        let j = min(i + 1, offsets.count - 1)
        let o = offsets[i] * (1 - f) + offsets[j] * f
        let g = slopes[i] * (1 - f) + slopes[j] * f
        return o + g * x
    }

    static func interpolate(_ v: [Point2], at t: Double) -> Point2 {
        guard !v.isEmpty, t.isFinite else { return .zero }
        let c = min(max(t, 0), Double(v.count - 1))
        let i = Int(c.rounded(.down)), f = c - Double(i)
        let j = min(i + 1, v.count - 1)
        return v[i] * (1 - f) + v[j] * f
    }
}
