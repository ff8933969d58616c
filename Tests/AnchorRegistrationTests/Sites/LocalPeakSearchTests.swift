import Testing
import Foundation
import AnchorGeometry
import AnchorImaging
@testable import AnchorRegistration

@Suite struct LocalPeakSearchTests {
    func gaussianImage(centre: Point2, sigma: Double, sign: Double) -> Image {
        var px = [Float](repeating: 0, count: 40 * 40)
        for y in 0..<40 {
            for x in 0..<40 {
                let d2 = Point2(Double(x), Double(y)).distanceSquared(to: centre)
                px[y * 40 + x] = Float(sign * exp(-d2 / (2 * sigma * sigma)))
            }
        }
        return try! Image(width: 40, height: 40, pixels: px)
    }

    @Test(arguments: [Point2(20.3, 18.8), Point2(17.45, 22.1)])
    func refinesABrightPeakToSubPixel(centre: Point2) throws {
        let img = gaussianImage(centre: centre, sigma: 2.0, sign: 1)
        let peak = try #require(LocalPeakSearch.refine(in: img, near: Point2(19, 20), radius: 5, dark: false))
        #expect(peak.position.distance(to: centre) < 0.1)
        #expect(abs(peak.value - 1) < 0.05)
    }

    @Test func findsDarkDips() throws {
        let img = gaussianImage(centre: Point2(21.2, 19.6), sigma: 2.0, sign: -1)
        let peak = try #require(LocalPeakSearch.refine(in: img, near: Point2(20, 20), radius: 4, dark: true))
        #expect(peak.position.distance(to: Point2(21.2, 19.6)) < 0.1)
    }

    @Test func peakBeyondTheRadiusIsNotTaken() {
        let img = gaussianImage(centre: Point2(30, 30), sigma: 2.0, sign: 1)
        #expect(LocalPeakSearch.refine(in: img, near: Point2(15, 15), radius: 5, dark: false) == nil)
        #expect(LocalPeakSearch.refine(in: img, near: Point2(-50, 15), radius: 5, dark: false) == nil)
    }
}
