import Foundation
import AnchorGeometry
import AnchorImaging

/// Synthetic frames of structures that are *not* Si(111)-7×7, for the verdict's tests: atoms
/// as Gaussian columns on a lattice with a motif, rotated, with white noise and a seeded
/// generator. Bright atoms on a dark background, as HAADF-STEM or STM of a metal shows them.
struct LatticeSceneForVerdict {
    enum Kind: String, CaseIterable {
        /// Perovskite [001]: strong A columns at the corners of a square cell, weaker B at the
        /// centre (SrTiO3 in HAADF: Sr brighter than Ti–O).
        case centredSquare
        /// Honeycomb (graphene): two equal atoms per hexagonal cell.
        case honeycomb
        /// Plain hexagonal lattice: one atom per cell.
        case hexagonal
        /// Plain square lattice: one atom per cell (the control for square-lattice models).
        case square
    }

    var kind: Kind
    /// Lattice constant in pixels.
    var period: Double
    var rotationDegrees: Double
    /// White-noise standard deviation over the peak height of the strongest atom.
    var noise: Double
    var size = 256
    var seed: UInt64 = 1
    /// Pixel size written into the image (model units: nm), or nil for an uncalibrated file.
    var pixelSize: Double? = nil

    /// Cell vectors (pixels, before rotation) and the motif: fractional positions and heights.
    var cell: (a1: Point2, a2: Point2, motif: [(u: Double, v: Double, height: Double)]) {
        let a = period
        switch kind {
        case .centredSquare:
            return (Point2(a, 0), Point2(0, a), [(0, 0, 1), (0.5, 0.5, 0.55)])
        case .honeycomb:
            return (Point2(a, 0), Point2(a / 2, a * 3.0.squareRoot() / 2), [(1.0 / 3, 1.0 / 3, 1), (2.0 / 3, 2.0 / 3, 1)])
        case .hexagonal:
            return (Point2(a, 0), Point2(a / 2, a * 3.0.squareRoot() / 2), [(0, 0, 1)])
        case .square:
            return (Point2(a, 0), Point2(0, a), [(0, 0, 1)])
        }
    }

    func image() throws -> Image {
        let (b1, b2, motif) = cell
        let t = rotationDegrees * .pi / 180
        let c = cos(t), s = sin(t)
        func rot(_ p: Point2) -> Point2 { Point2(c * p.x - s * p.y, s * p.x + c * p.y) }
        let a1 = rot(b1), a2 = rot(b2)
        // Column width: a fifth of the nearest-neighbour distance.
        let nearest = switch kind {
        case .honeycomb: period / 3.0.squareRoot()
        case .centredSquare: period / 2.0.squareRoot()
        case .hexagonal, .square: period
        }
        let sigma = 0.2 * nearest
        var pixels = [Float](repeating: 0, count: size * size)
        let n = Int(Double(size) / min(a1.length, a2.length) * 1.6) + 3
        let centre = Point2(Double(size) / 2, Double(size) / 2)
        let r = Int((3.5 * sigma).rounded(.up))
        for i in -n...n {
            for j in -n...n {
                for m in motif {
                    let p = centre + a1 * (Double(i) + m.u) + a2 * (Double(j) + m.v)
                    guard p.x > -Double(r), p.y > -Double(r), p.x < Double(size + r), p.y < Double(size + r) else { continue }
                    let x0 = Int(p.x.rounded()), y0 = Int(p.y.rounded())
                    let ys = max(0, y0 - r), ye = min(size - 1, y0 + r), xs = max(0, x0 - r), xe = min(size - 1, x0 + r)
                    guard ys <= ye, xs <= xe else { continue }
                    for y in ys...ye {
                        for x in xs...xe {
                            let dx = Double(x) - p.x, dy = Double(y) - p.y
                            let r2: Double = dx * dx + dy * dy
                            let g: Double = m.height * exp(-r2 / (2 * sigma * sigma))
                            pixels[y * size + x] += Float(g)
                        }
                    }
                }
            }
        }
        var rng = SplitMix(seed: seed)
        for k in pixels.indices { pixels[k] += Float(noise * rng.gaussian()) }
        return try Image(width: size, height: size, pixels: pixels,
                         pixelSize: pixelSize.map { PixelSize(x: $0, y: $0) }, unit: pixelSize == nil ? .none : .nanometre)
    }
}

/// SplitMix64 with Box–Muller normals: a tiny seeded generator for test scenes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
