import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct DoGDetectorTests {
    /// Dark and bright Gaussian blobs at fractional positions, two sizes each.
    static let blobs: [SyntheticBlobs.Blob] = [
        .init(center: Point2(30.3, 28.7), sigma: 2.5, amplitude: -0.4),
        .init(center: Point2(90.6, 31.2), sigma: 2.5, amplitude: 0.4),
        .init(center: Point2(32.25, 92.8), sigma: 5, amplitude: -0.4),
        .init(center: Point2(95.1, 94.45), sigma: 5, amplitude: 0.4),
    ]

    @Test func findsBlobCentresAndPolarity() throws {
        let img = try SyntheticBlobs.image(width: 128, height: 128, blobs: Self.blobs)
        let pts = try DoGDetector().detect(in: img)
        var scales: [Double] = []
        for b in Self.blobs {
            let (p, d) = try #require(SyntheticBlobs.nearest(pts, to: b.center))
            #expect(d < 0.1, "blob at \(b.center): nearest keypoint \(p.position), \(d) px away")
            #expect(p.polarity == (b.amplitude < 0 ? .dark : .bright))
            // A Gaussian of σ_b is found near scale σ_b (SIFT's scale-normalised DoG peaks at
            // σ ≈ σ_b up to the discretisation of scales).
            #expect(p.scale > 0.7 * b.sigma && p.scale < 1.4 * b.sigma, "scale \(p.scale) for σ \(b.sigma)")
            scales.append(p.scale)
        }
        #expect(scales[2] > scales[0] && scales[3] > scales[1])
        // Nothing far from the blobs.
        for p in pts {
            #expect(Self.blobs.contains { $0.center.distance(to: p.position) < 3 * $0.sigma })
        }
    }

    @Test func polarityFilterAndDuplicateSuppression() throws {
        let img = try SyntheticBlobs.image(width: 128, height: 128, blobs: Self.blobs)
        let dark = try DoGDetector(polarity: .dark, minDistance: 4).detect(in: img)
        #expect(dark.allSatisfy { $0.polarity == .dark })
        #expect(dark.count == 2)
        let bright = try DoGDetector(polarity: .bright, minDistance: 4).detect(in: img)
        #expect(bright.count == 2 && bright.allSatisfy { $0.polarity == .bright })
    }

    @Test func upsamplingFindsSmallBlobsAtTheSamePlace() throws {
        let small = SyntheticBlobs.Blob(center: Point2(40.4, 41.7), sigma: 1.2, amplitude: -0.5)
        let img = try SyntheticBlobs.image(width: 80, height: 80, blobs: [small])
        var det = DoGDetector()
        det.upsample = true
        det.maxOctaves = 2
        let pts = try det.detect(in: img)
        let (_, d) = try #require(SyntheticBlobs.nearest(pts, to: small.center))
        #expect(d < 0.1)
    }

    @Test func rotatedAndFlippedImagesGiveTransformedPoints() throws {
        // Property: detecting on a transposed / mirrored image gives the transposed /
        // mirrored points (the detector treats x and y alike and does not depend on a corner).
        var g = SeededGenerator(seed: 11)
        var blobs: [SyntheticBlobs.Blob] = []
        for _ in 0..<6 {
            blobs.append(.init(center: Point2(g.uniform(20, 76), g.uniform(20, 76)),
                               sigma: g.uniform(2, 4), amplitude: g.uniform(0, 1) < 0.5 ? -0.3 : 0.3))
        }
        let n = 97
        let img = try SyntheticBlobs.image(width: n, height: n, blobs: blobs, noise: 0.01, seed: 3)
        let transforms: [(String, (Int, Int) -> (Int, Int), (Point2) -> Point2)] = [
            ("flip x", { x, y in (n - 1 - x, y) }, { Point2(Double(n - 1) - $0.x, $0.y) }),
            ("flip y", { x, y in (x, n - 1 - y) }, { Point2($0.x, Double(n - 1) - $0.y) }),
            ("rotate 90°", { x, y in (n - 1 - y, x) }, { Point2(Double(n - 1) - $0.y, $0.x) }),
        ]
        let det = DoGDetector(contrastThreshold: 0.02)
        let ref = try det.detect(in: img)
        #expect(ref.count >= 6)
        for (name, mapPixel, mapPoint) in transforms {
            var px = [Float](repeating: 0, count: n * n)
            for y in 0..<n { for x in 0..<n { let (u, v) = mapPixel(x, y); px[v * n + u] = img[x, y] } }
            let pts = try det.detect(in: Image(width: n, height: n, pixels: px))
            // Borders are reflected the same way on every side, so the sets agree closely
            // (float rounding can only flip keypoints right at a threshold).
            var matched = 0
            for p in ref {
                if let (q, d) = SyntheticBlobs.nearest(pts, to: mapPoint(p.position)), d < 0.05, q.polarity == p.polarity {
                    matched += 1
                }
            }
            #expect(Double(matched) >= 0.9 * Double(ref.count), "\(name): \(matched) of \(ref.count)")
            #expect(abs(pts.count - ref.count) <= max(1, ref.count / 10), "\(name)")
        }
    }

    @Test func robustRangeIgnoresASpike() throws {
        var img = try SyntheticBlobs.image(width: 128, height: 128, blobs: Self.blobs)
        img[100, 10] = 200  // one hot pixel: the full range is now 500× the blob contrast
        let plain = try DoGDetector().detect(in: img)
        #expect(!Self.blobs.contains { b in plain.contains { $0.position.distance(to: b.center) < 1 } })
        var det = DoGDetector()
        det.rangePercentiles = 0.5...99.5
        let robust = try det.detect(in: img)
        for b in Self.blobs {
            #expect((SyntheticBlobs.nearest(robust, to: b.center)?.1 ?? 99) < 0.1)
        }
        var log = LoGBlobDetector()
        log.rangePercentiles = 0.5...99.5
        let blobs = try log.detect(in: img)
        for b in Self.blobs {
            #expect((SyntheticBlobs.nearest(blobs, to: b.center)?.1 ?? 99) < 0.1)
        }
        det.rangePercentiles = 50...101
        #expect(throws: ImageError.self) { try det.detect(in: img) }
    }

    @Test func badParametersAndImages() throws {
        let img = try SyntheticBlobs.image(width: 32, height: 32, blobs: [])
        var d = DoGDetector()
        d.octaveLayers = 0
        #expect(throws: ImageError.self) { try d.detect(in: img) }
        d = DoGDetector(contrastThreshold: .nan)
        #expect(throws: ImageError.self) { try d.detect(in: img) }
        let nan = try Image(width: 32, height: 32, fill: .nan)
        #expect(throws: ImageError.self) { try DoGDetector().detect(in: nan) }
        // Flat and tiny images give no keypoints rather than an error or a crash.
        #expect(try DoGDetector().detect(in: img).isEmpty)
        #expect(try DoGDetector().detect(in: Image(width: 3, height: 2, fill: 1)).isEmpty)
    }

    @Test func suppressionKeepsTheStrongestAndSurvivesAbsurdInput() {
        let pts = [
            DetectedPoint(position: Point2(10, 10), strength: 1, scale: 2, polarity: .dark),
            DetectedPoint(position: Point2(12, 10), strength: 3, scale: 2, polarity: .dark),
            DetectedPoint(position: Point2(30, 10), strength: 2, scale: 2, polarity: .bright),
            DetectedPoint(position: Point2(1e300, -1e300), strength: 0.5, scale: 2, polarity: .dark),
            DetectedPoint(position: Point2(.nan, 0), strength: 9, scale: 2, polarity: .dark),
        ]
        let kept = pts.suppressingNeighbours(within: 5)
        #expect(kept.map(\.strength) == [3, 2, 0.5])
    }

    @Test func darkerThanMeanFilter() throws {
        let img = try SyntheticBlobs.image(width: 128, height: 128, blobs: Self.blobs)
        let pts = try DoGDetector(minDistance: 4).detect(in: img).darkerThanMean(in: img)
        #expect(pts.count == 2 && pts.allSatisfy { $0.polarity == .dark })
    }

    /// Real STM data (SPIEPy demo, Si(111)-7×7, 256², period ≈ 43–47 px by autocorrelation per
    /// SOURCES.md): dark keypoints darker than the mean include the corner holes, whose
    /// nearest-neighbour spacing is the 7×7 period; the spacings agree to sub-pixel precision.
    @Test func realSi7x7DarkKeypointsSitOnTheLattice() throws {
        let data = try TestData.realData("si7x7-spiepy/image_with_defects.dat")
        // Two little-endian UInt32 (rows, cols), then float64 heights, row-major.
        #expect(data.count == 8 + 256 * 256 * 8)
        let px: [Float] = data.dropFirst(8).withUnsafeBytes { raw in
            (0..<(256 * 256)).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
        }
        let img = try Image(width: 256, height: 256, pixels: px)
        let dark = try DoGDetector(polarity: .dark, minDistance: 6).detect(in: img).darkerThanMean(in: img)
        let nn = dark.map { p in dark.filter { $0 != p }.map { $0.position.distance(to: p.position) }.min() ?? 0 }
        let lattice = nn.filter { $0 > 40 && $0 < 48 }
        #expect(lattice.count >= 8, "nearest-neighbour distances: \(nn.sorted())")
        if let lo = lattice.min(), let hi = lattice.max() {
            #expect(hi - lo < 1.5, "corner-hole spacings spread \(lo)…\(hi) px")
        }
    }
}
