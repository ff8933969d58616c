import Testing
import Foundation
@testable import AnchorRegCLI

/// The report's fixed-point numbers are formatted without the C call when that is safe; the
/// text must be exactly what C's "%.<d>f" prints.
@Suite struct ReportNumberTests {
    func printf(_ x: Double, _ decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.\(decimals)f", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }

    @Test func fixedPointIsWhatPrintfPrints() {
        var rng = SystemRandomNumberGenerator()
        var checked = 0, fastPath = 0
        for _ in 0..<200_000 {
            let magnitude = Double.random(in: -8...10, using: &rng)
            let x = (Bool.random(using: &rng) ? -1 : 1) * pow(10, magnitude) * Double.random(in: 1..<10, using: &rng)
            let d = Int.random(in: 0...7, using: &rng)
            let expected = printf(x, d)
            #expect(ReportNumber.format(x, d) == expected, "x = \(x), d = \(d)")
            if ReportNumber.fixedPoint(x, d) != nil { fastPath += 1 }
            checked += 1
        }
        // Exact halves and values next to them, negative zero, and rounding up to a new digit.
        let edges: [Double] = [0.125, 0.375, 2.5, -2.5, 1.005, 0.045, 9.995, 99.95, -0.0, 0, -0.04, 0.5, 1.5,
                               999_999_999.5, 0.1 + 0.2, 1e-7, 123456.7890125, 0.9999996, -0.9999996]
        for x in edges { for d in 0...6 { #expect(ReportNumber.format(x, d) == printf(x, d), "x = \(x), d = \(d)") } }
        // The fast path must be what runs for ordinary numbers, or it buys nothing.
        #expect(fastPath > checked / 2)
    }
}
