import Foundation

/// Numbers for people: rounded to the digits they carry, never the raw `Double` text
/// ("1.4340280692052094" → "1.4").
enum ReportNumber {
    /// `x` with `digits` significant digits, no exponent for 1e-4 ≤ |x| < 1e6; "—" for NaN.
    static func sig(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "−∞") }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e6 || a < 1e-4 { return minus(String(format: "%.\(max(0, digits - 1))e", x)) }
        let decimals = digits - 1 - Int(floor(log10(a)))
        if decimals < 0 {
            // More integer digits than significant ones: 1234.5 at 2 digits is 1200.
            let q = pow(10, Double(-decimals))
            return minus(String(format: "%.0f", (x / q).rounded() * q))
        }
        return minus(String(format: "%.\(decimals)f", x))
    }

    /// `x` with `decimals` digits after the point.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return sig(x) }
        let s = String(format: "%.\(decimals)f", x)
        // "-0.0" reads as a sign that the value does not have.
        return minus(Double(s) == 0 ? String(format: "%.\(decimals)f", 0.0) : s)
    }

    /// With an explicit sign ("+0.31", "−0.31").
    static func signed(_ x: Double, _ decimals: Int) -> String {
        let s = fixed(x, decimals)
        return x.isFinite && (Double(String(format: "%.\(decimals)f", x)) ?? 0) > 0 ? "+" + s : s
    }

    /// A typographic minus sign, as the rest of the report uses.
    private static func minus(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "−") }
}
