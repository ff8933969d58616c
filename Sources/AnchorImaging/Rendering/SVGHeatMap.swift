import Foundation

/// A heat map of a table of numbers written as SVG: one coloured cell per value on
/// categorical axes, values printed in the cells, and a colour bar with ticks and a label.
/// Cells without a value (`nil` or NaN) are drawn hatched grey.
///
/// `values[row][column]`; row 0 is drawn at the top, column 0 at the left.
///
/// ```swift
/// let map = SVGHeatMap(
///     title: "Recall at OKS 0.95",
///     xLabel: "noise std σ (model units)", yLabel: "points",
///     columns: ["0", "0.05", "0.1"], rows: ["100", "16", "4"],
///     values: [[1, 0.9, 0.5], [1, 0.8, 0.4], [1, 0.7, 0.3]],
///     colorBarLabel: "recall", range: 0...1)
/// ```
public struct SVGHeatMap: Sendable, Equatable {
    public var title: String
    /// x-axis title, unit included.
    public var xLabel: String
    /// y-axis title, unit included.
    public var yLabel: String
    /// Column names, left to right.
    public var columns: [String]
    /// Row names, top to bottom.
    public var rows: [String]
    /// `values[row][column]`; `nil` or NaN for no value.
    public var values: [[Double?]]
    /// Title of the colour bar (quantity and unit).
    public var colorBarLabel: String
    /// Value range of the colour map; `nil` takes the data's range.
    public var range: ClosedRange<Double>?
    public var colorMap: SVGColorMap
    /// Print each value in its cell with this many decimals (`nil`: no text).
    public var cellDecimals: Int?
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, columns: [String], rows: [String],
                values: [[Double?]], colorBarLabel: String, range: ClosedRange<Double>? = nil,
                colorMap: SVGColorMap = .viridis, cellDecimals: Int? = 2,
                width: Double = 680, height: Double = 480) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.columns = columns
        self.rows = rows
        self.values = values
        self.colorBarLabel = colorBarLabel
        self.range = range
        self.colorMap = colorMap
        self.cellDecimals = cellDecimals
        self.width = width
        self.height = height
    }

    /// The SVG document.
    public func svg() -> String {
        let left = 78.0, right = 110.0, top = 44.0, bottom = 56.0
        let plotW = max(width - left - right, 40), plotH = max(height - top - bottom, 40)
        let nc = max(columns.count, 1), nr = max(rows.count, 1)
        let cw = plotW / Double(nc), ch = plotH / Double(nr)
        var b = SVGBuilder(width: width, height: height)
        b.text((left + plotW / 2), 26, title, size: 16, weight: "bold")

        let finite = values.flatMap { $0 }.compactMap { $0 }.filter(\.isFinite)
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        func t(_ v: Double) -> Double { (v - lo) / (hi - lo) }

        b.raw("<defs><pattern id=\"no-value\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dddddd\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbbbbb\" stroke-width=\"2\"/></pattern>")
        b.raw("<linearGradient id=\"colour-bar\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for k in 0...16 {
            let f = Double(k) / 16
            b.raw("<stop offset=\"\(SVGBuilder.num(f * 100))%\" stop-color=\"\(colorMap.color(at: f).hexString)\"/>")
        }
        b.raw("</linearGradient></defs>")

        for r in 0..<rows.count {
            for c in 0..<columns.count {
                let x = left + Double(c) * cw, y = top + Double(r) * ch
                let v: Double? = (r < values.count && c < values[r].count) ? values[r][c] : nil
                guard let v, v.isFinite else {
                    b.rect(x: x, y: y, width: cw, height: ch, fill: "url(#no-value)", stroke: "#ffffff")
                    continue
                }
                let color = colorMap.color(at: t(v))
                b.rect(x: x, y: y, width: cw, height: ch, fill: color.hexString, stroke: "#ffffff")
                if let d = cellDecimals {
                    let text = String(format: "%.\(d)f", v)
                    let size = min(12, cw / Double(max(text.count, 3)) * 1.7, ch * 0.45)
                    b.text(x + cw / 2, y + ch / 2 + size * 0.35, text, size: size,
                           fill: color.luminance > 0.5 ? "#000000" : "#ffffff")
                }
            }
        }
        b.rect(x: left, y: top, width: plotW, height: plotH, fill: "none", stroke: "#333333")
        for (c, name) in columns.enumerated() {
            b.text(left + (Double(c) + 0.5) * cw, top + plotH + 18, name, size: 11)
        }
        for (r, name) in rows.enumerated() {
            b.text(left - 8, top + (Double(r) + 0.5) * ch + 4, name, size: 11, anchor: .end)
        }
        b.text(left + plotW / 2, height - 14, xLabel, size: 13)
        b.text(18, top + plotH / 2, yLabel, size: 13, rotate: -90)

        // Colour bar with ticks.
        let bx = left + plotW + 24, bw = 18.0
        b.rect(x: bx, y: top, width: bw, height: plotH, fill: "url(#colour-bar)", stroke: "#333333")
        let axis = PlotAxis(label: colorBarLabel, range: lo...hi)
        for tick in axis.ticks(in: lo...hi) {
            let y = top + plotH - t(tick.value) * plotH
            b.line(bx + bw, y, bx + bw + 4, y, stroke: "#333333")
            b.text(bx + bw + 7, y + 4, markup: tick.markup, size: 10, anchor: .start)
        }
        b.text(bx + bw + 50, top + plotH / 2, colorBarLabel, size: 12, rotate: 90)
        return b.document(title: title)
    }
}
