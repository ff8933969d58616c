import Foundation
import AnchorGeometry
@testable import AnchorImaging

/// Test images made of isotropic Gaussian bumps with known centres.
enum SyntheticBlobs {
    struct Blob {
        var center: Point2
        var sigma: Double
        /// Positive: bright bump; negative: dark dip.
        var amplitude: Double
    }

    static func image(width: Int, height: Int, background: Double = 0.5, blobs: [Blob],
                      noise: Double = 0, seed: UInt64 = 1) throws -> Image {
        var px = [Float](repeating: Float(background), count: width * height)
        var g = SeededGenerator(seed: seed)
        for b in blobs {
            let r = Int((4 * b.sigma).rounded(.up))
            let cx = Int(b.center.x.rounded()), cy = Int(b.center.y.rounded())
            for y in max(0, cy - r)...min(height - 1, cy + r) {
                for x in max(0, cx - r)...min(width - 1, cx + r) {
                    let dx = Double(x) - b.center.x, dy = Double(y) - b.center.y
                    px[y * width + x] += Float(b.amplitude * exp(-(dx * dx + dy * dy) / (2 * b.sigma * b.sigma)))
                }
            }
        }
        if noise > 0 {
            for i in px.indices { px[i] += Float(noise * g.normal()) }
        }
        return try Image(width: width, height: height, pixels: px)
    }

    /// The detected point nearest to `p`, and its distance.
    static func nearest(_ points: [DetectedPoint], to p: Point2) -> (DetectedPoint, Double)? {
        points.map { ($0, $0.position.distance(to: p)) }.min { $0.1 < $1.1 }
    }
}
