import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

private func randomImage(_ w: Int, _ h: Int, seed: UInt64) throws -> Image {
    var g = SeededGenerator(seed: seed)
    return try Image(width: w, height: h, pixels: (0..<(w * h)).map { _ in Float(g.uniform(0, 1)) })
}

/// f(x, y) = 3 + 0.5x − 0.25y: bilinear interpolation reproduces it exactly.
private func ramp(_ w: Int, _ h: Int) throws -> Image {
    var img = try Image(width: w, height: h)
    for y in 0..<h { for x in 0..<w { img[x, y] = 3 + 0.5 * Float(x) - 0.25 * Float(y) } }
    return img
}

private func rampValue(_ p: Point2) -> Double { 3 + 0.5 * p.x - 0.25 * p.y }

/// Keys (a = −0.75) bicubic by the textbook formula, in Double.
private func keys(_ s: Double) -> Double {
    let a = -0.75, x = abs(s)
    if x <= 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
    if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
    return 0
}

@Suite("Warping")
struct WarpTests {
    @Test("identity warp is a copy", arguments: Interpolation.allCases)
    func identity(interpolation: Interpolation) throws {
        let img = try randomImage(37, 29, seed: 1)
        let out = try img.warped(inverseMap: .identity, width: 37, height: 29, interpolation: interpolation)
        #expect(out.pixels == img.pixels)
    }

    @Test("integer translation is a shift, with fill outside", arguments: Interpolation.allCases)
    func shift(interpolation: Interpolation) throws {
        let img = try randomImage(40, 30, seed: 2)
        let out = try img.warped(inverseMap: .translation(3, -2), width: 40, height: 30,
                                 interpolation: interpolation, fill: -1)
        for y in 0..<30 { for x in 0..<40 {
            let sx = x + 3, sy = y - 2
            if sx < 40 && sy >= 0 { #expect(out[x, y] == img[sx, sy]) }
            else if sx > 40 || sy < -1 { #expect(out[x, y] == -1) }
        } }
    }

    @Test("bilinear warp of a linear ramp through a perspective map is exact in the interior")
    func perspectiveRamp() throws {
        let src = try ramp(120, 100)
        let h = Homography(0.9, 0.1, 12, -0.05, 0.95, 8, 4e-4, -2e-4, 1)
        let out = try src.warped(inverseMap: h, width: 100, height: 90)
        var checked = 0
        for y in 0..<90 { for x in 0..<100 {
            let p = h.apply(Point2(Double(x), Double(y)))
            guard p.x >= 0, p.x <= 119, p.y >= 0, p.y <= 99 else { continue }
            #expect(abs(Double(out[x, y]) - rampValue(p)) < 1e-4)
            checked += 1
        } }
        #expect(checked > 5000)
    }

    @Test("bicubic warp equals the Keys formula; composition of warps equals warp by the product")
    func bicubicAndComposition() throws {
        let src = try randomImage(60, 50, seed: 4).gaussianBlurred(sigma: 2)
        let h = Homography(1.02, 0.03, 4.3, -0.02, 0.98, 2.7, 1e-4, 2e-4, 1)
        let out = try src.warped(inverseMap: h, width: 50, height: 40, interpolation: .bicubic)
        for y in stride(from: 0, to: 40, by: 3) { for x in stride(from: 0, to: 50, by: 3) {
            let p = h.apply(Point2(Double(x), Double(y)))
            let ix = Int(p.x.rounded(.down)), iy = Int(p.y.rounded(.down))
            guard ix >= 1, iy >= 1, ix + 2 < 60, iy + 2 < 50 else { continue }
            var v = 0.0
            for j in -1...2 { for i in -1...2 {
                v += keys(p.x - Double(ix + i)) * keys(p.y - Double(iy + j)) * Double(src[ix + i, iy + j])
            } }
            #expect(abs(Double(out[x, y]) - v) < 1e-5)
        } }
        // Composition on a ramp (bilinear is exact there): warp by A then B = warp by A·B.
        let r = try ramp(120, 100)
        let a = Homography(0.9, 0.05, 10, 0.02, 0.9, 6, 1e-4, 0, 1)
        let b = Homography(1.05, -0.03, 3, 0.01, 1.02, 2, 0, 1e-4, 1)
        let twice = try r.warped(inverseMap: a, width: 100, height: 90).warped(inverseMap: b, width: 80, height: 70)
        let once = try r.warped(inverseMap: a * b, width: 80, height: 70)
        for y in 0..<70 { for x in 0..<80 {
            let q = b.apply(Point2(Double(x), Double(y)))
            let p = (a * b).apply(Point2(Double(x), Double(y)))
            guard q.x >= 0, q.x <= 99, q.y >= 0, q.y <= 89, p.x >= 0, p.x <= 119, p.y >= 0, p.y <= 99,
                  a.apply(Point2(q.x.rounded(.down), q.y.rounded(.down))).x <= 118,
                  a.apply(Point2(q.x.rounded(.up), q.y.rounded(.up))).y <= 98 else { continue }
            #expect(abs(twice[x, y] - once[x, y]) < 1e-3)
        } }
    }

    @Test("every output pixel (vector blocks, scalar edges) matches a Double reference with fill taps",
          arguments: [Interpolation.bilinear, .bicubic, .nearest])
    func reference(interpolation: Interpolation) throws {
        let src = try randomImage(150, 130, seed: 31)
        let h = Homography(0.93, -0.12, 20.5, 0.1, 0.95, -9.25, 3e-4, -2e-4, 1)
        let fill: Float = -2
        let out = try src.warped(inverseMap: h, width: 170, height: 150, interpolation: interpolation, fill: fill)
        func at(_ x: Int, _ y: Int) -> Double {
            (x >= 0 && x < 150 && y >= 0 && y < 130) ? Double(src[x, y]) : Double(fill)
        }
        var worst = 0.0
        for y in 0..<150 { for x in 0..<170 {
            let p = h.apply(Point2(Double(x), Double(y)))
            let ix = Int(p.x.rounded(.down)), iy = Int(p.y.rounded(.down))
            let fx = p.x - Double(ix), fy = p.y - Double(iy)
            var v = 0.0
            switch interpolation {
            case .nearest:
                v = at(Int((p.x + 0.5).rounded(.down)), Int((p.y + 0.5).rounded(.down)))
                // Ties at exactly half a pixel are a matter of rounding; skip them.
                if abs(fx - 0.5) < 1e-3 || abs(fy - 0.5) < 1e-3 { continue }
            case .bilinear:
                for j in 0...1 { for i in 0...1 {
                    let w = (i == 0 ? 1 - fx : fx) * (j == 0 ? 1 - fy : fy)
                    if w != 0 { v += w * at(ix + i, iy + j) }
                } }
            case .bicubic:
                for j in -1...2 { for i in -1...2 {
                    let w = keys(fx - Double(i)) * keys(fy - Double(j))
                    if w != 0 { v += w * at(ix + i, iy + j) }
                } }
            }
            worst = max(worst, abs(Double(out[x, y]) - v))
        } }
        #expect(worst < 2e-4, "worst difference \(worst)")
    }

    @Test("output grid: pixel (i, j) is the model point origin + (i, j)/ppu, calibration follows")
    func outputGrid() throws {
        let src = try ramp(200, 150)
        // Model in nm: H scales 8 px/nm, rotates slightly and offsets.
        let h = Homography.translation(20, 15) * Homography.rotation(0.1) * Homography.scaling(8, 8)
        let grid = try OutputGrid(origin: Point2(1, 2), width: 120, height: 80, pixelsPerUnit: 20, unit: .nanometre)
        #expect(grid.modelPoint(20, 40) == Point2(2, 4))
        #expect(grid.pixel(ofModelPoint: Point2(2, 4)) == Point2(20, 40))
        let out = try src.warped(to: grid, modelToImage: h)
        #expect(out.pixelSize == PixelSize(x: 0.05, y: 0.05))
        #expect(out.unit == .nanometre)
        for (i, j) in [(0, 0), (10, 70), (119, 79), (60, 33)] {
            let p = h.apply(grid.modelPoint(Double(i), Double(j)))
            #expect(abs(Double(out[i, j]) - rampValue(p)) < 1e-4)
        }
        let covering = try OutputGrid(covering: 0, 0, 2, 1, pixelsPerUnit: 10)
        #expect(covering.width == 21 && covering.height == 11)
        #expect(throws: ImageError.self) { try OutputGrid(origin: Point2(0, 0), width: 3, height: 3, pixelsPerUnit: 0) }
        #expect(throws: ImageError.self) { try src.warped(inverseMap: Homography(.nan, 0, 0, 0, 1, 0, 0, 0, 1), width: 3, height: 3) }
    }

    @Test("points behind the projection or far outside give the fill value, never a trap")
    func hostileMaps() throws {
        let src = try randomImage(20, 20, seed: 8)
        let h = Homography(1, 0, 0, 0, 1, 0, 0.1, 0, -1)  // w = 0 at x = 10
        let out = try src.warped(inverseMap: h, width: 20, height: 20, interpolation: .bicubic, fill: 7)
        #expect(out[10, 5] == 7)
        let huge = try src.warped(inverseMap: .scaling(1e300, 1e300), width: 5, height: 5, fill: 2)
        #expect(huge.pixels.dropFirst().allSatisfy { $0 == 2 })
    }

    @Test("sampling at sub-pixel points")
    func sampling() throws {
        let r = try ramp(10, 10)
        #expect(abs(Double(r.sample(at: Point2(2.5, 3.25))!) - rampValue(Point2(2.5, 3.25))) < 1e-5)
        #expect(r.sample(at: Point2(9.5, 1)) == nil)
        #expect(abs(Double(r.sample(at: Point2(9, 9))!) - rampValue(Point2(9, 9))) < 1e-5)
        #expect(r.sample(at: Point2(9.4, 0), interpolation: .nearest) == r[9, 0])
        #expect(r.sample(at: Point2(-0.6, 0), interpolation: .nearest) == nil)
        #expect(r.sample(at: Point2(8.5, 2), interpolation: .bicubic) == nil)
        // Keys' kernel with a = −0.75 does not reproduce a ramp exactly (only a = −0.5 does):
        // compare with the formula.
        var expected = 0.0
        for j in -1...2 { for i in -1...2 {
            expected += keys(0.5 - Double(i)) * keys(0.25 - Double(j)) * Double(r[7 + i, 2 + j])
        } }
        #expect(abs(Double(r.sample(at: Point2(7.5, 2.25), interpolation: .bicubic)!) - expected) < 1e-5)
        #expect(r.sample(at: Point2(.nan, 1)) == nil)
    }
}

@Suite("Colour warping")
struct RGBWarpTests {
    @Test("RGB warp: identity copies, integer shift shifts, channels match the gray warp")
    func rgb() throws {
        var g = SeededGenerator(seed: 12)
        let w = 23, h = 17
        let rgb = try RGBImage(width: w, height: h, samples: (0..<(w * h * 3)).map { _ in UInt8(g.uniform(0, 255.99)) })
        for interp in Interpolation.allCases {
            #expect(try rgb.warped(inverseMap: .identity, width: w, height: h, interpolation: interp) == rgb)
        }
        let shifted = try rgb.warped(inverseMap: .translation(-2, 1), width: w, height: h, fill: SIMD3(9, 8, 7))
        #expect(Array(shifted.samples[0..<3]) == [9, 8, 7])
        let o = 3 * (0 * w + 5), s = 3 * (1 * w + 3)
        #expect(Array(shifted.samples[o..<(o + 3)]) == Array(rgb.samples[s..<(s + 3)]))
        // Green channel through a perspective map equals the Float warp of the green plane, rounded.
        let green = try Image(width: w, height: h, pixels: (0..<(w * h)).map { Float(rgb.samples[3 * $0 + 1]) })
        let hmg = Homography(0.9, 0.1, 1.5, -0.05, 0.95, 2.2, 1e-3, 0, 1)
        for interp in [Interpolation.bilinear, .bicubic] {
            let a = try rgb.warped(inverseMap: hmg, width: w, height: h, interpolation: interp)
            let b = try green.warped(inverseMap: hmg, width: w, height: h, interpolation: interp)
            for i in 0..<(w * h) {
                let expected = min(max(b.pixels[i], 0), 255)
                #expect(abs(Float(a.samples[3 * i + 1]) - expected) <= 0.5 + 1e-3)
            }
        }
        let grid = try OutputGrid(origin: Point2(0, 0), width: 10, height: 10, pixelsPerUnit: 4, unit: .micrometre)
        let onGrid = try rgb.warped(to: grid, modelToImage: .scaling(2, 2))
        #expect(onGrid.pixelSize == PixelSize(x: 0.25, y: 0.25) && onGrid.unit == .micrometre)
    }
}
