import Foundation

/// Numbers for people: rounded to the digits they carry, never the raw `Double` text
/// ("1.4340280692052094" → "1.4").
///
/// The text comes from C's `vsnprintf` (the same digits as `String(format:)`): a report
/// formats a few thousand numbers, and Foundation's formatter was a tenth of `locate`'s CPU.
enum ReportNumber {
    /// `x` printed by the C format "%.<decimals><conversion>" (`f` or `e`).
    static func format(_ x: Double, _ decimals: Int, _ conversion: Character = "f") -> String {
        if conversion == "f", let text = fixedPoint(x, decimals) { return text }
        let spec = "%.\(max(0, min(decimals, 40)))\(conversion)"
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 360) { buffer in
            let n = withVaList([x]) { vsnprintf(buffer.baseAddress!, buffer.count, spec, $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(max(0, min(n, 359)))),
                          as: UTF8.self)
        }
    }

    /// "%.<decimals>f" without the C call, for the usual report numbers (|x| < 10⁹, at most 6
    /// decimals); nil when `vsnprintf` must decide. A report formats thousands of numbers (two
    /// per site), and the variadic call cost more than the rest of the page.
    ///
    /// `vsnprintf` rounds the exact binary value half to even. x·10^d carries at most one
    /// rounding error (≤ 2⁻⁵³ relative), so when it lies farther than max(10⁻⁶, 10⁻¹⁵ x·10^d)
    /// from a half integer, rounding it gives the same integer; closer, this returns nil.
    static func fixedPoint(_ x: Double, _ decimals: Int) -> String? {
        guard x.isFinite, abs(x) < 1e9, (0...6).contains(decimals) else { return nil }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = abs(x) * scale
        let floorPart = scaled.rounded(.down)
        guard abs(scaled - floorPart - 0.5) > max(1e-6, scaled * 1e-15) else { return nil }
        let n = UInt64(scaled.rounded(.toNearestOrEven))
        var digits = String(n)
        if decimals > 0 {
            if digits.utf8.count <= decimals {
                digits = String(repeating: "0", count: decimals + 1 - digits.utf8.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        // printf keeps the sign of a negative number that rounds to zero ("-0.0").
        return x.sign == .minus ? "-" + digits : digits
    }

    /// `x` with `digits` significant digits, no exponent for 1e-4 ≤ |x| < 1e6; "—" for NaN.
    static func sig(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "−∞") }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e6 || a < 1e-4 { return minus(format(x, digits - 1, "e")) }
        let decimals = digits - 1 - Int(floor(log10(a)))
        if decimals < 0 {
            // More integer digits than significant ones: 1234.5 at 2 digits is 1200.
            let q = pow(10, Double(-decimals))
            return minus(format((x / q).rounded() * q, 0))
        }
        return minus(format(x, decimals))
    }

    /// `x` with `decimals` digits after the point.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return sig(x) }
        let s = format(x, decimals)
        // "-0.0" reads as a sign that the value does not have.
        return minus(Double(s) == 0 ? format(0, decimals) : s)
    }

    /// With an explicit sign ("+0.31", "−0.31").
    static func signed(_ x: Double, _ decimals: Int) -> String {
        let s = fixed(x, decimals)
        return x.isFinite && (Double(format(x, decimals)) ?? 0) > 0 ? "+" + s : s
    }

    /// A typographic minus sign, as the rest of the report uses.
    private static func minus(_ s: String) -> String {
        s.utf8.contains(UInt8(ascii: "-")) ? s.split(separator: "-", omittingEmptySubsequences: false).joined(separator: "−") : s
    }
}
