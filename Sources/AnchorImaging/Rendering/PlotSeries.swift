import AnchorGeometry

/// The five-number summary of one box of a box plot, in data units.
public struct PlotBox: Sendable, Equatable {
    /// Position along the x axis (the category index on a categorical axis).
    public var position: Double
    public var whiskerLow: Double
    public var q1: Double
    public var median: Double
    public var q3: Double
    public var whiskerHigh: Double
    /// Values beyond the whiskers, drawn as small circles (keep this short: a few hundred).
    public var outliers: [Double]

    public init(position: Double, whiskerLow: Double, q1: Double, median: Double, q3: Double,
                whiskerHigh: Double, outliers: [Double] = []) {
        self.position = position
        self.whiskerLow = whiskerLow
        self.q1 = q1
        self.median = median
        self.q3 = q3
        self.whiskerHigh = whiskerHigh
        self.outliers = outliers
    }
}

/// One data series of an `SVGPlot`. Points are (x, y) in data units.
public enum PlotSeries: Sendable, Equatable {
    /// A polyline through `points` in order, with optional markers at the points.
    case line(name: String, points: [Point2], color: SVGColor? = nil, markers: Bool = true, dashed: Bool = false)
    /// Unconnected markers.
    case scatter(name: String, points: [Point2], color: SVGColor? = nil, radius: Double = 3)
    /// Box-and-whisker glyphs; `width` in x data units (0.6 suits a categorical axis).
    case boxes(name: String, boxes: [PlotBox], color: SVGColor? = nil, width: Double = 0.6)

    public var name: String {
        switch self {
        case .line(let n, _, _, _, _), .scatter(let n, _, _, _), .boxes(let n, _, _, _): return n
        }
    }

    var explicitColor: SVGColor? {
        switch self {
        case .line(_, _, let c, _, _), .scatter(_, _, let c, _), .boxes(_, _, let c, _): return c
        }
    }

    var xValues: [Double] {
        switch self {
        case .line(_, let p, _, _, _), .scatter(_, let p, _, _): return p.map(\.x)
        case .boxes(_, let b, _, let w): return b.flatMap { [$0.position - w / 2, $0.position + w / 2] }
        }
    }

    var yValues: [Double] {
        switch self {
        case .line(_, let p, _, _, _), .scatter(_, let p, _, _): return p.map(\.y)
        case .boxes(_, let b, _, _): return b.flatMap { [$0.whiskerLow, $0.q1, $0.median, $0.q3, $0.whiskerHigh] + $0.outliers }
        }
    }
}
