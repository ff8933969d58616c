import Foundation

/// Accumulates SVG markup. Numbers are written with at most two decimals (a hundredth of a
/// user unit is far below what a screen shows) and text is XML-escaped, so the output is
/// valid, compact and identical on every platform.
struct SVGBuilder {
    private(set) var body: String = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A number for an attribute value.
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
        return String(format: "%.2f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    /// Escapes the five XML special characters.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    mutating func raw(_ s: String) {
        body += s
        body += "\n"
    }

    mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: String,
                       stroke: String? = nil, strokeWidth: Double = 1, extra: String = "") {
        var s = "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(w, 0)))\" height=\"\(Self.num(max(h, 0)))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.num(strokeWidth))\"" }
        if !extra.isEmpty { s += " " + extra }
        raw(s + "/>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width w: Double = 1, dash: String? = nil) {
        var s = "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(w))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        raw(s + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width w: Double = 1.5, dash: String? = nil) {
        guard points.count >= 2 else { return }
        let pts = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        var s = "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(w))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        raw(s + "/>")
    }

    mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil, opacity: Double = 1) {
        var s = "<circle cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if opacity < 1 { s += " fill-opacity=\"\(Self.num(opacity))\"" }
        raw(s + "/>")
    }

    enum Anchor: String { case start, middle, end }

    /// Text at (x, y) (baseline). `markup` is inserted as is (already escaped, may hold tspans).
    mutating func text(_ x: Double, _ y: Double, markup: String, size: Double = 12, anchor: Anchor = .middle,
                       weight: String? = nil, rotate: Double? = nil, fill: String = "#000000",
                       baseline: String? = nil) {
        var s = "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\" text-anchor=\"\(anchor.rawValue)\""
        if fill != "#000000" { s += " fill=\"\(fill)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        if let baseline { s += " dominant-baseline=\"\(baseline)\"" }
        if let rotate { s += " transform=\"rotate(\(Self.num(rotate)) \(Self.num(x)) \(Self.num(y)))\"" }
        raw(s + ">" + markup + "</text>")
    }

    mutating func text(_ x: Double, _ y: Double, _ plain: String, size: Double = 12, anchor: Anchor = .middle,
                       weight: String? = nil, rotate: Double? = nil, fill: String = "#000000", baseline: String? = nil) {
        text(x, y, markup: Self.escape(plain), size: size, anchor: anchor, weight: weight, rotate: rotate,
             fill: fill, baseline: baseline)
    }

    /// The complete document.
    func document(title: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.num(width))" height="\(Self.num(height))" viewBox="0 0 \(Self.num(width)) \(Self.num(height))" font-family="Helvetica, Arial, sans-serif">
        <title>\(Self.escape(title))</title>
        <rect x="0" y="0" width="\(Self.num(width))" height="\(Self.num(height))" fill="#ffffff"/>
        \(body)</svg>

        """
    }
}
