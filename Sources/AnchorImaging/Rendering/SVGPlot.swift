import AnchorGeometry

/// A single-panel chart written as SVG: line plots, scatter plots and box plots on linear,
/// logarithmic or categorical axes, with a title, axis labels with units, grid lines and a
/// legend. The output is a self-contained SVG 1.1 document that opens in any browser.
///
/// ```swift
/// let plot = SVGPlot(
///     title: "Recall vs noise",
///     xAxis: PlotAxis(label: "noise std σ", unit: "model units"),
///     yAxis: PlotAxis(label: "recall at OKS 0.95", range: 0...1),
///     series: [.line(name: "16 points", points: [Point2(0, 1), Point2(0.1, 0.4)])])
/// try plot.svg().write(toFile: "recall.svg", atomically: true, encoding: .utf8)
/// ```
public struct SVGPlot: Sendable, Equatable {
    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    public var series: [PlotSeries]
    /// Size of the whole picture in CSS pixels.
    public var width: Double
    public var height: Double
    /// Horizontal reference lines drawn dashed, e.g. the OKS tolerance.
    public var references: [PlotReferenceLine] = []

    public init(title: String, xAxis: PlotAxis, yAxis: PlotAxis, series: [PlotSeries] = [],
                width: Double = 640, height: Double = 420) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.width = width
        self.height = height
    }

    /// The SVG document.
    public func svg() -> String {
        let named = series.filter { !$0.name.isEmpty }
        let legendWidth: Double = named.isEmpty ? 0 : min(200, 34 + 6.6 * Double(named.map(\.name.count).max() ?? 0))
        let left = 78.0, right = 20.0 + legendWidth, top = 44.0, bottom = 56.0
        let plotW = max(width - left - right, 40), plotH = max(height - top - bottom, 40)
        var b = SVGBuilder(width: width, height: height)

        let xr = xAxis.resolvedRange(series.flatMap(\.xValues))
        let yr = yAxis.resolvedRange(series.flatMap(\.yValues) + references.map(\.value))
        func px(_ x: Double) -> Double { left + min(max(xAxis.fraction(x, in: xr), -0.02), 1.02) * plotW }
        func py(_ y: Double) -> Double { top + plotH - min(max(yAxis.fraction(y, in: yr), -0.02), 1.02) * plotH }

        b.text(width / 2 - legendWidth / 2, 26, title, size: 16, weight: "bold")
        b.rect(x: left, y: top, width: plotW, height: plotH, fill: "#ffffff", stroke: "#cccccc")

        // Grid and ticks.
        for t in xAxis.ticks(in: xr) where t.value >= xr.lowerBound - 1e-12 && t.value <= xr.upperBound + 1e-12 {
            let x = px(t.value)
            b.line(x, top, x, top + plotH, stroke: "#eeeeee")
            b.line(x, top + plotH, x, top + plotH + 5, stroke: "#333333")
            b.text(x, top + plotH + 19, markup: t.markup, size: 11)
        }
        for t in yAxis.ticks(in: yr) where t.value >= yr.lowerBound * (1 - 1e-12) - 1e-12 && t.value <= yr.upperBound * (1 + 1e-12) + 1e-12 {
            let y = py(t.value)
            b.line(left, y, left + plotW, y, stroke: "#eeeeee")
            b.line(left - 5, y, left, y, stroke: "#333333")
            b.text(left - 8, y + 4, markup: t.markup, size: 11, anchor: .end)
        }
        b.line(left, top + plotH, left + plotW, top + plotH, stroke: "#333333")
        b.line(left, top, left, top + plotH, stroke: "#333333")
        b.text(left + plotW / 2, height - 14, xAxis.title, size: 13)
        b.text(18, top + plotH / 2, yAxis.title, size: 13, rotate: -90)

        for r in references {
            let y = py(r.value)
            b.line(left, y, left + plotW, y, stroke: "#999999", dash: "5,4")
            b.text(left + 4, y - 4, r.label, size: 10, anchor: .start, fill: "#666666")
        }

        // Series, clipped to the plot area (with room for markers on its edges).
        b.raw("<clipPath id=\"plot-area\"><rect x=\"\(SVGBuilder.num(left - 5))\" y=\"\(SVGBuilder.num(top - 5))\" width=\"\(SVGBuilder.num(plotW + 10))\" height=\"\(SVGBuilder.num(plotH + 10))\"/></clipPath>")
        b.raw("<g clip-path=\"url(#plot-area)\">")
        for (i, s) in series.enumerated() {
            let color = (s.explicitColor ?? SVGColor.series(i)).hexString
            switch s {
            case .line(_, let points, _, let markers, let dashed):
                let finite = points.filter { $0.isFinite }
                b.polyline(finite.map { (px($0.x), py($0.y)) }, stroke: color, width: 2, dash: dashed ? "6,4" : nil)
                if markers { for p in finite { b.circle(px(p.x), py(p.y), r: 3, fill: color) } }
            case .scatter(_, let points, _, let radius):
                for p in points where p.isFinite { b.circle(px(p.x), py(p.y), r: radius, fill: color, opacity: 0.7) }
            case .boxes(_, let boxes, _, let w):
                for box in boxes {
                    let x0 = px(box.position - w / 2), x1 = px(box.position + w / 2), xm = px(box.position)
                    let cap = (x1 - x0) / 4
                    b.line(xm, py(box.whiskerLow), xm, py(box.q1), stroke: "#333333")
                    b.line(xm, py(box.q3), xm, py(box.whiskerHigh), stroke: "#333333")
                    b.line(xm - cap, py(box.whiskerLow), xm + cap, py(box.whiskerLow), stroke: "#333333")
                    b.line(xm - cap, py(box.whiskerHigh), xm + cap, py(box.whiskerHigh), stroke: "#333333")
                    let yTop = py(box.q3), yBottom = py(box.q1)
                    b.rect(x: x0, y: min(yTop, yBottom), width: x1 - x0, height: abs(yBottom - yTop),
                           fill: color, stroke: "#333333", extra: "fill-opacity=\"0.55\"")
                    b.line(x0, py(box.median), x1, py(box.median), stroke: "#000000", width: 2)
                    for o in box.outliers where o.isFinite {
                        b.circle(xm, py(o), r: 1.8, fill: "none", stroke: color)
                    }
                }
            }
        }
        b.raw("</g>")

        // Legend.
        if !named.isEmpty {
            let lx = left + plotW + 14
            var ly = top + 8
            for (i, s) in series.enumerated() where !s.name.isEmpty {
                let color = (s.explicitColor ?? SVGColor.series(i)).hexString
                switch s {
                case .line(_, _, _, _, let dashed):
                    b.line(lx, ly, lx + 20, ly, stroke: color, width: 2, dash: dashed ? "6,4" : nil)
                case .scatter:
                    b.circle(lx + 10, ly, r: 3.5, fill: color)
                case .boxes:
                    b.rect(x: lx + 4, y: ly - 6, width: 12, height: 12, fill: color, stroke: "#333333",
                           extra: "fill-opacity=\"0.55\"")
                }
                b.text(lx + 26, ly + 4, s.name, size: 11, anchor: .start)
                ly += 18
            }
        }
        return b.document(title: title)
    }
}

/// A dashed horizontal line across a plot at `value` (y data units), labelled at its right end.
public struct PlotReferenceLine: Sendable, Equatable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}
