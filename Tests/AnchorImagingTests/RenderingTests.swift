import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct ColorMapTests {
    @Test func endpoints() {
        #expect(ColorMap.gray[0] == RGBColor(0, 0, 0))
        #expect(ColorMap.gray[255] == RGBColor(255, 255, 255))
        // Published viridis endpoints: #440154 and #fde725.
        #expect(ColorMap.viridis[0] == RGBColor(0x44, 0x01, 0x54))
        #expect(ColorMap.viridis[255] == RGBColor(0xfd, 0xe7, 0x25))
        #expect(ColorMap.afmhot[0] == RGBColor(0, 0, 0))
        #expect(ColorMap.afmhot[255] == RGBColor(255, 255, 255))
        // afmhot just below t = 0.5: r ≈ 1, g ≈ 0.5, b = 0 (matplotlib: r = 2t, g = 2t − ½, b = 2t − 1).
        #expect(ColorMap.afmhot[127] == RGBColor(254, 127, 0))
        #expect(ColorMap.afmhot[192] == RGBColor(255, 255, 129))
        // coolwarm: blue at the bottom, red at the top, near-neutral in the middle.
        let lo = ColorMap.coolwarm[0], hi = ColorMap.coolwarm[255], mid = ColorMap.coolwarm[128]
        #expect(lo.b > lo.r && hi.r > hi.b)
        #expect(abs(Int(mid.r) - Int(mid.b)) < 40 && mid.g > 190)
    }

    @Test(arguments: [ColorMap.gray, .viridis, .afmhot])
    func luminanceIsMonotone(map: ColorMap) {
        var previous = -1.0
        for i in 0..<256 {
            let y = map[i].relativeLuminance
            // viridis is monotone in CAM02-UCS lightness; its 8-bit table may dip by a
            // quantisation step in relative luminance.
            #expect(y >= previous - 1e-3, "\(map.name) luminance drops at entry \(i)")
            previous = y
        }
        #expect(map[255].relativeLuminance - map[0].relativeLuminance > 0.7)
    }

    @Test func divergingMapIsSymmetricInLightness() {
        // Moreland's map: lightness rises to the middle and falls again, roughly symmetric.
        let m = ColorMap.coolwarm
        for i in 0..<100 {
            #expect(abs(m[i].relativeLuminance - m[255 - i].relativeLuminance) < 0.08)
        }
        #expect(m[128].relativeLuminance > m[0].relativeLuminance + 0.3)
    }

    @Test func lookupByName() throws {
        #expect(try ColorMap.named("Viridis") == .viridis)
        #expect(try ColorMap.named("grey") == .gray)
        #expect(throws: ImageError.self) { try ColorMap.named("jet") }
        #expect(throws: ImageError.self) { try ColorMap(name: "x", table: [1, 2, 3]) }
    }

    @Test func colorBarRunsLowToHigh() throws {
        let bar = try ColorMap.viridis.colorBar(length: 100, thickness: 5)
        #expect(bar.width == 5 && bar.height == 100)
        #expect(Array(bar.samples[0..<3]) == [0xfd, 0xe7, 0x25])  // top = high
        let last = 3 * (99 * 5 + 4)
        #expect(Array(bar.samples[last..<last + 3]) == [0x44, 0x01, 0x54])
        let h = try ColorMap.gray.colorBar(length: 10, thickness: 2, vertical: false)
        #expect(h.width == 10 && h.samples[0] == 0 && h.samples[3 * 9] == 255)
        #expect(throws: ImageError.self) { try ColorMap.gray.colorBar(length: 0) }
    }
}

@Suite struct ContrastTests {
    @Test func percentilesMatchNumPyLinear() throws {
        // 0, 1, …, 100 shuffled: percentile p is p itself; 0.5 % of 101 values → 0.5.
        var g = SeededGenerator(seed: 7)
        let values = (0...100).map(Float.init).shuffled(using: &g)
        let img = try Image(width: 101, height: 1, pixels: values)
        let p = try img.percentiles([0, 0.5, 25, 50, 99.5, 100])
        #expect(p == [0, 0.5, 25, 50, 99.5, 100])
    }

    @Test func percentilesEqualSortedOrderStatistics() throws {
        // Histogram-guided selection must give exactly the sorted order statistics, with NaN,
        // repeated values, a far outlier (most samples in one bin) and a tiny range.
        var g = SeededGenerator(seed: 11)
        for trial in 0..<4 {
            var px = (0..<20_000).map { _ in Float(g.normal()) }
            if trial == 1 { for i in stride(from: 0, to: px.count, by: 3) { px[i] = 0.25 } }
            if trial == 2 { px[5] = 1e30 }
            if trial == 3 { px = px.map { 1 + $0 * 1e-6 } }
            px[7] = .nan
            let img = try Image(width: 200, height: 100, pixels: px)
            let sorted = px.filter(\.isFinite).sorted()
            let percents = [0, 0.5, 1, 25, 50, 73.3, 99.5, 100]
            let got = try img.percentiles(percents)
            for (p, v) in zip(percents, got) {
                let pos = p / 100 * Double(sorted.count - 1)
                let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
                let f = Float(pos - Double(lo))
                let want = hi == lo || f == 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * f
                #expect(v == want, "trial \(trial), percentile \(p)")
            }
        }
    }

    @Test func selectGivesTheOrderStatistic() {
        var g = SeededGenerator(seed: 13)
        let inputs: [[Float]] = [
            (0..<301).map { _ in Float(g.normal()) },
            [Float](repeating: 2, count: 100),
            (0..<257).map { _ in g.nextUnit() < 0.5 ? 1 : 0 },
            (0..<200).map(Float.init),
            (0..<200).reversed().map(Float.init),
            (0..<37).map { _ in Float(Int(g.nextUnit() * 5)) },
        ]
        for input in inputs {
            let sorted = input.sorted()
            for k in Set([0, 1, input.count / 3, input.count / 2, input.count - 2, input.count - 1]) {
                var a = input
                let v = a.withUnsafeMutableBufferPointer { Image.select($0, k) }
                #expect(v == sorted[k])
                #expect(a[..<k].allSatisfy { $0 <= v } && a[(k + 1)...].allSatisfy { $0 >= v })
                #expect(a.sorted() == sorted)
            }
        }
    }

    @Test func stretchClipsOutliersAndIgnoresNaN() throws {
        // 1000 samples in 0…1, a few spikes at 1e6 and a NaN: the 0.5–99.5 % range ignores them.
        var px = (0..<1000).map { Float($0) / 999 }
        px[10] = 1e6
        px[20] = -1e6
        px[30] = .nan
        let img = try Image(width: 100, height: 10, pixels: px)
        let r = try img.percentileRange()
        #expect(r.lowerBound > -0.01 && r.lowerBound < 0.01)
        #expect(r.upperBound > 0.99 && r.upperBound < 1.01)
        let s = img.contrastStretched(to: r)
        #expect(s.pixels[10] == 1 && s.pixels[20] == 0 && s.pixels[30].isNaN)
        #expect(abs(s.pixels[500] - 0.5) < 0.01)
        #expect(throws: ImageError.self) { try img.percentileRange(low: 60, high: 40) }
        #expect(throws: ImageError.self) { try img.percentiles([101]) }
        let nan = try Image(width: 2, height: 1, pixels: [.nan, .nan])
        #expect(throws: ImageError.self) { try nan.percentileRange() }
    }

    @Test func renderMapsRangeToTableEnds() throws {
        let img = try Image(width: 4, height: 1, pixels: [0, 5, 10, .nan], pixelSize: PixelSize(x: 2, y: 2), unit: .nanometre)
        let rgb = img.rendered(colorMap: .afmhot, range: 0...10, nanColor: .cyan)
        #expect(Array(rgb.samples[0..<3]) == [0, 0, 0])
        #expect(Array(rgb.samples[6..<9]) == [255, 255, 255])
        #expect(Array(rgb.samples[9..<12]) == [RGBColor.cyan.r, RGBColor.cyan.g, RGBColor.cyan.b])
        #expect(rgb.pixelSize == PixelSize(x: 2, y: 2) && rgb.unit == .nanometre)
        // A constant image shows the middle colour rather than dividing by zero.
        let flat = try Image(width: 2, height: 2, fill: 3).rendered()
        #expect(flat.samples.allSatisfy { $0 == 128 })
    }
}

@Suite struct OverlayTests {
    @Test func circlePixelsLieAtItsRadius() throws {
        var img = try RGBImage(width: 64, height: 64)
        let c = Point2(31.3, 30.6), r = 12.0
        img.drawCircle(center: c, radius: r, color: .white)
        var painted = 0
        for y in 0..<64 {
            for x in 0..<64 where img.samples[3 * (y * 64 + x)] > 0 {
                painted += 1
                let d = Point2(Double(x), Double(y)).distance(to: c)
                #expect(abs(d - r) < 1.0, "pixel (\(x), \(y)) painted at distance \(d)")
            }
        }
        // The ring is closed: every direction has a strongly painted pixel near radius r.
        for k in 0..<72 {
            let a = Double(k) * .pi / 36
            let p = c + Point2(cos(a), sin(a)) * r
            let x = Int(p.x.rounded()), y = Int(p.y.rounded())
            #expect(img.samples[3 * (y * 64 + x)] >= 100)
        }
        #expect(painted > Int(2 * .pi * r))
    }

    @Test func dotLineCrossAndPolygon() throws {
        var img = try RGBImage(width: 40, height: 40)
        img.drawDot(at: Point2(10, 10), radius: 3, color: .red)
        #expect(Array(img.samples[3 * (10 * 40 + 10)..<3 * (10 * 40 + 10) + 3]) == [RGBColor.red.r, RGBColor.red.g, RGBColor.red.b])
        #expect(img.samples[3 * (10 * 40 + 15)] == 0)  // 5 px away: outside the dot

        img.drawLine(from: Point2(0, 30), to: Point2(39, 30), color: .white, lineWidth: 1)
        for x in 0..<40 {
            #expect(img.samples[3 * (30 * 40 + x)] == 255)
            #expect(img.samples[3 * (28 * 40 + x)] == 0)
        }
        img.drawCross(at: Point2(30, 10), size: 3, color: .green)
        #expect(img.samples[3 * (10 * 40 + 33) + 1] == RGBColor.green.g)
        #expect(img.samples[3 * (13 * 40 + 30) + 1] == RGBColor.green.g)
        #expect(img.samples[3 * (13 * 40 + 33) + 1] == 0)

        var poly = try RGBImage(width: 20, height: 20)
        poly.drawPolygon([Point2(2, 2), Point2(17, 2), Point2(17, 17), Point2(2, 17)], color: .white)
        #expect(poly.samples[3 * (2 * 20 + 10)] == 255)   // top edge
        #expect(poly.samples[3 * (10 * 20 + 2)] == 255)   // closing (left) edge
        #expect(poly.samples[3 * (10 * 20 + 10)] == 0)    // interior untouched
    }

    @Test func clippingAndNonFiniteInputAreSafe() throws {
        var img = try RGBImage(width: 10, height: 10)
        img.drawCircle(center: Point2(-50, -50), radius: 3, color: .white)
        img.drawLine(from: Point2(.nan, 0), to: Point2(5, 5), color: .white)
        img.drawDot(at: Point2(1e300, 5), radius: 2, color: .white)
        #expect(img.samples.allSatisfy { $0 == 0 })
        img.drawLine(from: Point2(-100, 5), to: Point2(100, 5), color: .white, lineWidth: 3)
        #expect(img.samples[3 * (5 * 10 + 0)] == 255 && img.samples[3 * (5 * 10 + 9)] == 255)
    }

    @Test func opacityBlends() throws {
        var img = try RGBImage(width: 5, height: 5)
        img.drawDot(at: Point2(2, 2), radius: 1, color: .white, opacity: 0.5)
        #expect(img.samples[3 * 12] == 128)
    }
}

@Suite struct RenderedPNGTests {
    @Test func overlayRoundTripsThroughPNG() throws {
        let blobs: [SyntheticBlobs.Blob] = [.init(center: Point2(20.4, 18.7), sigma: 3, amplitude: -0.5)]
        let img = try SyntheticBlobs.image(width: 48, height: 40, blobs: blobs)
        var rgb = img.rendered(colorMap: .afmhot)
        for p in try DoGDetector().detect(in: img) {
            rgb.drawCircle(center: p.position, radius: p.scale * 2.squareRoot(), color: .cyan)
            rgb.drawDot(at: p.position, radius: 1.5, color: .red)
        }
        let data = try rgb.pngData()
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let back = try PNGCodec.read(data: data)
        #expect(back.rgb?.samples == rgb.samples)
        // The dot at the blob centre is red.
        let k = 3 * (19 * 48 + 20)
        #expect(Array(rgb.samples[k..<k + 3]) == [RGBColor.red.r, RGBColor.red.g, RGBColor.red.b])
    }
}
