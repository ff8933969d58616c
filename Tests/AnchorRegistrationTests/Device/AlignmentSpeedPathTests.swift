import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegistration

/// The parallel and vectorised paths of `DeviceAlignment` (issue 11, photo speed) against
/// their sequential / scalar definitions, and the side fit on a dark patch reaching the
/// outline (the 400 × 300 seed-5 pair of `AlignCommandTests`).
@Suite("Device alignment: threads, fast paths, patches on the outline")
struct AlignmentSpeedPathTests {
    static func bits(_ im: Image) -> [UInt32] { im.pixels.map(\.bitPattern) }

    @Test("one and two threads give the same result to the bit")
    func threadCountDoesNotChangeTheResult() throws {
        let p = DeviceFixtures.pair
        let frames = [AlignmentFrame(name: "before", luminance: p.before.luminance(), colour: p.before),
                      AlignmentFrame(name: "after", luminance: p.after.luminance(), colour: p.after)]
        var one = DeviceAlignmentOptions(), two = DeviceAlignmentOptions()
        one.threads = 1
        two.threads = 2
        let a = try DeviceAlignment.align(frames, model: p.truth.model, options: one)
        let b = try DeviceAlignment.align(frames, model: p.truth.model, options: two)
        #expect(a.registrations.map(\.homography) == b.registrations.map(\.homography))
        #expect(a.aligned.map(Self.bits) == b.aligned.map(Self.bits))
        #expect(a.differences.map(Self.bits) == b.differences.map(Self.bits))
        #expect(a.alignedColour == b.alignedColour)
        #expect(a.normalisation == b.normalisation)
        #expect(a.measurement == b.measurement)
        #expect(a.differenceRMS == b.differenceRMS)
    }

    @Test("the colour warp's vector path is within one 8-bit level of the per-pixel Double path")
    func colourWarpVectorPath() throws {
        let src = DeviceFixtures.pair.before
        // A rotation with perspective: blocks inside the source take the vector path, the
        // border and the outside the per-pixel path.
        let m = Homography.translation(250, 190) * Homography(0.97, -0.2, 0, 0.21, 0.95, 0, 3e-5, -2e-5, 1)
            * Homography.translation(-260, -200)
        let fast = try src.warped(inverseMap: m, width: 530, height: 400)
        // Reference: every pixel by the Double path (bilinear, taps outside read the fill 0).
        var worst = 0, differing = 0
        for y in 0..<400 {
            for x in 0..<530 {
                let q = m.apply(Point2(Double(x), Double(y)))
                var ref = SIMD3<Double>(0, 0, 0)
                let x0 = q.x.rounded(.down), y0 = q.y.rounded(.down)
                let tx = q.x - x0, ty = q.y - y0
                for (dx, dy, w) in [(0, 0, (1 - tx) * (1 - ty)), (1, 0, tx * (1 - ty)), (0, 1, (1 - tx) * ty), (1, 1, tx * ty)] {
                    let sx = Int(x0) + dx, sy = Int(y0) + dy
                    guard sx >= 0, sx < src.width, sy >= 0, sy < src.height else { continue }
                    let o = 3 * (sy * src.width + sx)
                    ref += w * SIMD3(Double(src.samples[o]), Double(src.samples[o + 1]), Double(src.samples[o + 2]))
                }
                for c in 0..<3 {
                    let d = abs(Int(fast.samples[3 * (y * 530 + x) + c]) - Int((ref[c] + 0.5).rounded(.down)))
                    worst = max(worst, d)
                    if d > 0 { differing += 1 }
                }
            }
        }
        #expect(worst <= 1)
        #expect(Double(differing) < 0.01 * Double(530 * 400 * 3))
    }

    @Test("the edge mask is the 2-px disk dilation of the steep-gradient pixels")
    func edgeMaskIsTheDiskDilation() throws {
        var im = try Image(width: 40, height: 30, pixels: [Float](repeating: 10, count: 1200))
        im.pixels[15 * 40 + 20] = 100
        im.pixels[3 * 40 + 5] = .nan
        let near = DeviceAlignment.nearEdges(im, range: 100)
        // Reference: gradient above 5 % of the range (or NaN), dilated by the disk r = 2.
        var edge = [Bool](repeating: false, count: 1200)
        for y in 1..<29 {
            for x in 1..<39 {
                let i = y * 40 + x
                let gx = (im.pixels[i + 1] - im.pixels[i - 1]) / 2, gy = (im.pixels[i + 40] - im.pixels[i - 40]) / 2
                edge[i] = !(gx * gx + gy * gy <= 25)
            }
        }
        for y in 0..<30 {
            for x in 0..<40 {
                var ref = x == 0 || y == 0 || x == 39 || y == 29
                for dy in -2...2 {
                    for dx in -2...2 where dx * dx + dy * dy <= 4 {
                        let xx = x + dx, yy = y + dy
                        if xx >= 0, xx < 40, yy >= 0, yy < 30, edge[yy * 40 + xx] { ref = true }
                    }
                }
                #expect((near[y * 40 + x] != 0) == ref, "pixel (\(x), \(y))")
            }
        }
    }

    @Test("a dark patch reaching the outline over a third of a side does not tilt it (400 × 300, seed 5)")
    func darkPatchOnTheOutline() throws {
        let pair = try OMPairGenerator().generate(OMPairParameters(seed: 5, width: 400, height: 300, truthGridSize: 128))
        let reg = try DeviceRegistration.register(pair.before.luminance(), to: pair.truth.model)
        let truth = pair.truth.anchorsInImage[0]
        let side = truth[0].distance(to: truth[1])
        // Each detected corner against the nearest true corner (the orientation is open).
        for p in reg.pairs where p.name.hasPrefix("C") {
            let err = truth.prefix(4).map { $0.distance(to: p.image) }.min() ?? .infinity
            // Without the least-median start of the side fit one corner is 0.96 px off (2.1 px
            // with per-side rise widths as well).
            #expect(err < 0.4, "\(p.name): \(err) px")
            #expect(err / side < 0.004)
        }
    }
}
