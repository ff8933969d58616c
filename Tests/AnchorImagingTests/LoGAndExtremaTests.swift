import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct LoGBlobDetectorTests {
    @Test func detectsTwoSizesWithOrderedScalesAndSubPixelPositions() throws {
        let blobs: [SyntheticBlobs.Blob] = [
            .init(center: Point2(25.3, 30.6), sigma: 2, amplitude: -0.5),
            .init(center: Point2(70.7, 28.2), sigma: 2, amplitude: 0.5),
            .init(center: Point2(30.45, 80.85), sigma: 5, amplitude: -0.5),
            .init(center: Point2(80.1, 79.35), sigma: 5, amplitude: 0.5),
        ]
        let img = try SyntheticBlobs.image(width: 112, height: 112, blobs: blobs)
        let det = LoGBlobDetector(minSigma: 1, maxSigma: 8, numSigma: 12, threshold: 0.1)
        let pts = try det.detect(in: img)
        #expect(pts.count == 4)
        var found: [DetectedPoint] = []
        for b in blobs {
            let (p, d) = try #require(SyntheticBlobs.nearest(pts, to: b.center))
            #expect(d < 0.1, "blob \(b.center) σ \(b.sigma): found \(p.position), \(d) px off")
            #expect(p.polarity == (b.amplitude < 0 ? .dark : .bright))
            #expect(abs(p.scale - b.sigma) < 0.2 * b.sigma, "scale \(p.scale) for σ \(b.sigma)")
            // Scale-normalised LoG of a Gaussian of contrast c peaks at c/2 (image range 0…1 here
            // is ±0.5 around the background, i.e. the normalised contrast is 0.5).
            #expect(p.strength > 0.15 && p.strength < 0.35)
            found.append(p)
        }
        #expect(found[2].scale > found[0].scale && found[3].scale > found[1].scale)
    }

    @Test func polarityOverlapAndParameters() throws {
        let blobs: [SyntheticBlobs.Blob] = [
            .init(center: Point2(30, 30), sigma: 3, amplitude: -0.6),
            .init(center: Point2(70, 30), sigma: 3, amplitude: 0.6),
        ]
        let img = try SyntheticBlobs.image(width: 100, height: 60, blobs: blobs)
        let dark = try LoGBlobDetector(polarity: .dark).detect(in: img)
        #expect(dark.count == 1 && dark[0].polarity == .dark)
        #expect(throws: ImageError.self) { try LoGBlobDetector(minSigma: 5, maxSigma: 2).detect(in: img) }
        #expect(throws: ImageError.self) { try LoGBlobDetector(numSigma: 2).detect(in: img) }
        #expect(LoGBlobDetector.circleOverlapFraction(2, 2, 0) == 1)
        #expect(LoGBlobDetector.circleOverlapFraction(2, 2, 4) == 0)
        #expect(abs(LoGBlobDetector.circleOverlapFraction(1, 1, 1) - 0.391) < 0.001)
        // Overlap pruning keeps the stronger of two overlapping blobs.
        let a = DetectedPoint(position: Point2(0, 0), strength: 2, scale: 3, polarity: .dark)
        let b = DetectedPoint(position: Point2(1, 0), strength: 1, scale: 3, polarity: .dark)
        let c = DetectedPoint(position: Point2(20, 0), strength: 1, scale: 3, polarity: .dark)
        #expect(LoGBlobDetector.pruneOverlapping([b, c, a], overlap: 0.5) == [a, c])
    }

    @Test func transposedAndMirroredImagesGiveTransformedBlobs() throws {
        var g = SeededGenerator(seed: 21)
        let n = 72
        let blobs = (0..<6).map { _ in
            SyntheticBlobs.Blob(center: Point2(g.uniform(12, 60), g.uniform(12, 60)), sigma: g.uniform(1.5, 3.5),
                                amplitude: g.uniform(0, 1) < 0.5 ? -0.5 : 0.5)
        }
        let img = try SyntheticBlobs.image(width: n, height: n, blobs: blobs, noise: 0.01, seed: 9)
        let det = LoGBlobDetector(minSigma: 1, maxSigma: 5, numSigma: 8, threshold: 0.05)
        let ref = try det.detect(in: img)
        #expect(ref.count >= 4)
        var transposed = [Float](repeating: 0, count: n * n), mirrored = transposed
        for y in 0..<n {
            for x in 0..<n {
                transposed[x * n + y] = img[x, y]
                mirrored[y * n + (n - 1 - x)] = img[x, y]
            }
        }
        let cases: [([Float], (Point2) -> Point2)] = [
            (transposed, { Point2($0.y, $0.x) }),
            (mirrored, { Point2(Double(n - 1) - $0.x, $0.y) }),
        ]
        for (pixels, map) in cases {
            let pts = try det.detect(in: Image(width: n, height: n, pixels: pixels))
            #expect(pts.count == ref.count)
            for p in ref {
                let (q, d) = try #require(SyntheticBlobs.nearest(pts, to: map(p.position)))
                // Float rounding differs between the x and y passes of the blur, so positions and
                // scales agree to rounding, not bit for bit.
                #expect(d < 1e-3, "\(p.position) → \(q.position)")
                #expect(abs(q.scale - p.scale) < 1e-3, "σ \(p.scale) → \(q.scale)")
                #expect(q.polarity == p.polarity)
            }
        }
    }

    @Test func missingScanLineDoesNotHideBlobs() throws {
        let blob = SyntheticBlobs.Blob(center: Point2(30.4, 20.2), sigma: 3, amplitude: -0.5)
        var img = try SyntheticBlobs.image(width: 64, height: 48, blobs: [blob])
        for x in 0..<64 { img[x, 40] = .nan }
        let pts = try LoGBlobDetector(polarity: .dark).detect(in: img)
        let (_, d) = try #require(SyntheticBlobs.nearest(pts, to: blob.center))
        #expect(d < 0.1)
        let dog = try DoGDetector(polarity: .dark).detect(in: img)
        #expect((SyntheticBlobs.nearest(dog, to: blob.center)?.1 ?? 99) < 0.1)
    }
}

@Suite struct LocalExtremaDetectorTests {
    /// The 3×3 paraboloid is biased towards the pixel centre for narrow peaks (≈ 0.07 px at
    /// σ = 1.5 px), so it is held to 0.05 px on a wider peak; the log-quadratic (Gaussian) fit is
    /// exact for a sampled Gaussian and is held to 0.01 px on a narrow one.
    @Test(arguments: [(PeakRefinement.quadratic, 3.0, 0.05), (.gaussian, 1.5, 0.01)])
    func recoversSubPixelGaussianPeak(refinement: PeakRefinement, sigma: Double, tolerance: Double) throws {
        let centres = [Point2(20.3, 20.7), Point2(45.62, 21.15), Point2(21.5, 44.5), Point2(44.9, 46.22)]
        let img = try SyntheticBlobs.image(
            width: 66, height: 66, background: 0,
            blobs: centres.map { .init(center: $0, sigma: sigma, amplitude: 1) })
        let det = LocalExtremaDetector(minDistance: 6, relativeThreshold: 0.3, refinement: refinement)
        let pts = try det.detect(in: img)
        #expect(pts.count == 4)
        for c in centres {
            let (p, d) = try #require(SyntheticBlobs.nearest(pts, to: c))
            #expect(d < tolerance, "\(refinement): \(c) found at \(p.position), \(d) px off")
            if refinement == .gaussian {
                #expect(abs(p.scale - sigma) < 0.05)
                #expect(abs(p.strength - 1) < 0.05)
            }
        }
    }

    @Test func minimaThresholdAndMinimumDistance() throws {
        // Two dips 4 px apart and one 20 px away; minDistance 6 keeps the deeper of the pair.
        let blobs: [SyntheticBlobs.Blob] = [
            .init(center: Point2(20, 20), sigma: 1.2, amplitude: -1),
            .init(center: Point2(24, 20), sigma: 1.2, amplitude: -0.8),
            .init(center: Point2(40, 30), sigma: 1.2, amplitude: -0.3),
        ]
        let img = try SyntheticBlobs.image(width: 60, height: 50, background: 1, blobs: blobs)
        var det = LocalExtremaDetector(polarity: .dark, minDistance: 6, refinement: .none)
        var pts = try det.detect(in: img)
        #expect(pts.map(\.position) == [Point2(20, 20), Point2(40, 30)])
        #expect(pts.allSatisfy { $0.polarity == .dark })
        det.threshold = 0.5  // minima must be ≤ 0.5: only the deep one
        pts = try det.detect(in: img)
        #expect(pts.map(\.position) == [Point2(20, 20)])
        det.threshold = nil
        det.minDistance = 2
        #expect(try det.detect(in: img).count == 3)
        // A flat image has no peaks; bad parameters are errors.
        #expect(try LocalExtremaDetector().detect(in: Image(width: 20, height: 20, fill: 3)).isEmpty)
        #expect(throws: ImageError.self) { try LocalExtremaDetector(minDistance: 0).detect(in: img) }
        #expect(throws: ImageError.self) { try LocalExtremaDetector(relativeThreshold: 2).detect(in: img) }
    }

    @Test func flipsAndRotationsCommute() throws {
        var g = SeededGenerator(seed: 5)
        let n = 50
        let blobs = (0..<8).map { _ in
            SyntheticBlobs.Blob(center: Point2(g.uniform(6, 43), g.uniform(6, 43)), sigma: 1.3, amplitude: g.uniform(0.5, 1))
        }
        let img = try SyntheticBlobs.image(width: n, height: n, background: 0, blobs: blobs)
        let det = LocalExtremaDetector(minDistance: 3, relativeThreshold: 0.2, refinement: .gaussian)
        let ref = try det.detect(in: img)
        var px = [Float](repeating: 0, count: n * n)
        for y in 0..<n { for x in 0..<n { px[x * n + (n - 1 - y)] = img[x, y] } }  // rotate 90°: (x, y) → (n−1−y, x)
        let rot = try det.detect(in: Image(width: n, height: n, pixels: px))
        #expect(rot.count == ref.count)
        for p in ref {
            let q = Point2(Double(n - 1) - p.position.y, p.position.x)
            let (_, d) = try #require(SyntheticBlobs.nearest(rot, to: q))
            #expect(d < 1e-3)
        }
    }
}
