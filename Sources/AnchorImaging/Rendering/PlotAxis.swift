import Foundation

/// One axis of an `SVGPlot`: its label, unit, scale and range.
public struct PlotAxis: Sendable, Equatable {
    /// How data values map to positions along the axis.
    public enum Scale: Sendable, Equatable {
        /// Evenly spaced values.
        case linear
        /// Decades evenly spaced; values ≤ 0 are drawn at the axis minimum.
        case log10
        /// Named categories at positions 0, 1, 2, … (data x = category index).
        case categorical([String])
    }

    /// What the axis shows ("noise std σ").
    public var label: String
    /// The unit, printed in parentheses after the label ("px", "model units"); `nil` for none.
    public var unit: String?
    public var scale: Scale
    /// Fixed range; `nil` takes the data's range (with a little padding on linear axes).
    public var range: ClosedRange<Double>?

    public init(label: String, unit: String? = nil, scale: Scale = .linear, range: ClosedRange<Double>? = nil) {
        self.label = label
        self.unit = unit
        self.scale = scale
        self.range = range
    }

    /// Label with its unit, as printed.
    public var title: String {
        if let unit, !unit.isEmpty { return "\(label) (\(unit))" }
        return label
    }

    /// The range to draw, from the fixed range or from `values`.
    func resolvedRange(_ values: [Double]) -> ClosedRange<Double> {
        switch scale {
        case .categorical(let names):
            return range ?? (-0.5)...(Double(max(names.count, 1)) - 0.5)
        case .log10:
            if let range { return range }
            let positive = values.filter { $0 > 0 && $0.isFinite }
            guard let lo = positive.min(), let hi = positive.max() else { return 0.1...10 }
            let a = Foundation.pow(10, Foundation.floor(Foundation.log10(lo)))
            var b = Foundation.pow(10, Foundation.ceil(Foundation.log10(hi)))
            if b <= a { b = a * 10 }
            return a...b
        case .linear:
            if let range { return range }
            let finite = values.filter(\.isFinite)
            guard var lo = finite.min(), var hi = finite.max() else { return 0...1 }
            if lo == hi { lo -= 0.5; hi += 0.5 }
            let step = Self.niceStep(hi - lo)
            return (Foundation.floor(lo / step + 1e-9) * step)...(Foundation.ceil(hi / step - 1e-9) * step)
        }
    }

    /// Position of `v` in [0, 1] along `range` (0 at the range's lower end).
    func fraction(_ v: Double, in range: ClosedRange<Double>) -> Double {
        switch scale {
        case .log10:
            let lo = Foundation.log10(range.lowerBound), hi = Foundation.log10(range.upperBound)
            let x = v > 0 ? Foundation.log10(v) : lo
            return hi > lo ? (x - lo) / (hi - lo) : 0.5
        case .linear, .categorical:
            let span = range.upperBound - range.lowerBound
            return span > 0 ? (v - range.lowerBound) / span : 0.5
        }
    }

    /// Tick positions and labels (labels are SVG markup, already escaped).
    func ticks(in range: ClosedRange<Double>) -> [(value: Double, markup: String)] {
        switch scale {
        case .categorical(let names):
            return names.enumerated().map { (Double($0.offset), SVGBuilder.escape($0.element)) }
        case .log10:
            let lo = Int(Foundation.floor(Foundation.log10(range.lowerBound) + 1e-9))
            let hi = Int(Foundation.ceil(Foundation.log10(range.upperBound) - 1e-9))
            guard hi >= lo else { return [] }
            let step = max(1, (hi - lo + 7) / 8)
            return stride(from: lo, through: hi, by: step).map { e in
                let label: String
                switch e {
                case 0: label = "1"
                case 1: label = "10"
                default: label = "10<tspan dy=\"-5\" font-size=\"8\">\(e < 0 ? "−" : "")\(abs(e))</tspan>"
                }
                return (Foundation.pow(10, Double(e)), label)
            }
        case .linear:
            let t = Self.niceTicks(range)
            let step = t.count > 1 ? t[1] - t[0] : 1
            let decimals = max(0, Int(-Foundation.floor(Foundation.log10(step) + 1e-9)))
            return t.map { v in
                let text = String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)
                return (v, SVGBuilder.escape(text.replacingOccurrences(of: "-", with: "−")))
            }
        }
    }

    /// A step of 1, 2 or 5 × 10^k that cuts `span` into about `target` parts.
    static func niceStep(_ span: Double, target: Int = 5) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(target)
        let mag = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let norm = raw / mag
        return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag
    }

    /// About five "nice" tick values (1, 2 or 5 × 10^k apart) covering `range`.
    static func niceTicks(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let step = niceStep(span, target: target)
        let first = Foundation.ceil(range.lowerBound / step - 1e-9) * step
        var ticks: [Double] = []
        var v = first
        while v <= range.upperBound + step * 1e-9 {
            ticks.append(v)
            v += step
        }
        return ticks
    }
}
