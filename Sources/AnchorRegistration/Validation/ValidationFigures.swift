import AnchorGeometry
import AnchorImaging
import Foundation

/// The figures and tables of a validation study, after the paper's Fig. 3a–e, as file
/// contents keyed by file name (the CLI writes them into `--out`).
///
/// - `fig3a_mae_vs_noise.svg`: MAE box plots against σ for the smallest point count (the
///   paper uses 4 points), and `mae_vs_noise_n<N>.svg` for every point count;
/// - `fig3b_recall_vs_noise.svg`: recall against σ, one line per point count;
/// - `fig3c_mae_vs_points.svg`: MAE box plots against the point count at σ = 0.05 (or the
///   noise level nearest to it);
/// - `fig3d_recall_vs_points.svg`: recall against the point count, one line per σ;
/// - `fig3e_recall_map.svg`: the recall map over σ × point count;
/// - pairing mode also `one_period_off_map.svg`: the fraction of samples with MAE > 1;
/// - `conditions.csv`: every condition's numbers.
///
/// Box whiskers reach the most extreme MAE within 1.5 IQR of the quartiles (Tukey), circles
/// mark samples beyond (at most 100 per box, evenly thinned); MAE is
/// drawn on a logarithmic axis because it spans from 1e−16 (σ = 0) to beyond 1.
public enum ValidationFigures {
    /// Every file, name → contents.
    public static func files(for report: ValidationReport) -> [String: String] {
        var out: [String: String] = ["conditions.csv": csv(report)]
        let counts = report.configuration.pointCounts
        let noises = report.configuration.noiseLevels
        let label = "\(report.estimator), \(report.mode.rawValue) mode, \(report.samples) samples"
        if let smallest = counts.min() {
            out["fig3a_mae_vs_noise.svg"] = maeVsNoise(report, points: smallest).svg()
        }
        for n in counts {
            out["mae_vs_noise_n\(n).svg"] = maeVsNoise(report, points: n).svg()
        }
        out["fig3b_recall_vs_noise.svg"] = recallVsNoise(report).svg()
        if let sigma = noises.min(by: { abs($0 - 0.05) < abs($1 - 0.05) }) {
            out["fig3c_mae_vs_points.svg"] = maeVsPoints(report, noise: sigma).svg()
        }
        out["fig3d_recall_vs_points.svg"] = recallVsPoints(report).svg()
        out["fig3e_recall_map.svg"] = map(report, title: "Recall at OKS \(fmt(report.configuration.oksThreshold)) (\(label))",
                                          barLabel: "recall", range: 0...1) { $0.recall }.svg()
        if report.mode == .pairing {
            out["one_period_off_map.svg"] = map(report, title: "Samples with MAE > 1 (\(label))",
                                                barLabel: "fraction of samples", range: nil) { $0.onePeriodOff }.svg()
        }
        return out
    }

    /// The conditions as CSV, one row each, header first.
    public static func csv(_ report: ValidationReport) -> String {
        var s = "estimator,mode,noise,points,samples,mae_median,mae_q1,mae_q3,mae_mean,mae_p05,mae_p95,mae_min,mae_max,"
            + "recall,failures,one_period_off,fit_seconds,fits_per_second\n"
        func v(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for c in report.conditions {
            let m = c.mae
            s += [report.estimator, report.mode.rawValue, "\(c.noise)", "\(c.points)", "\(c.samples)",
                  v(m?.median), v(m?.q1), v(m?.q3), v(m?.mean), v(m?.p05), v(m?.p95), v(m?.min), v(m?.max),
                  "\(c.recall)", "\(c.failures)", "\(c.onePeriodOff)", "\(c.fitSeconds)", "\(c.fitsPerSecond)"]
                .joined(separator: ",") + "\n"
        }
        return s
    }

    static func fmt(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : "\(v)"
    }

    static func box(_ c: ValidationConditionResult, at position: Double) -> PlotBox? {
        guard let m = c.mae else { return nil }
        // Zero MAE cannot sit on a log axis; it is drawn at the axis floor.
        return PlotBox(position: position, whiskerLow: m.whiskerLow, q1: m.q1, median: m.median, q3: m.q3,
                       whiskerHigh: m.whiskerHigh, outliers: m.outliers)
    }

    static func maeAxis(_ boxes: [PlotBox]) -> PlotAxis {
        let values = boxes.flatMap { [$0.whiskerLow, $0.q1, $0.median, $0.q3, $0.whiskerHigh] + $0.outliers }
            .filter { $0 > 0 && $0.isFinite }
        var lo = values.min() ?? 1e-3, hi = values.max() ?? 1
        lo = max(lo, 1e-17)
        hi = max(hi, 1)
        let range = pow(10, floor(log10(lo)))...pow(10, ceil(log10(hi)))
        return PlotAxis(label: "MAE", unit: "model units", scale: .log10, range: range)
    }

    static func maeVsNoise(_ report: ValidationReport, points: Int) -> SVGPlot {
        let noises = report.configuration.noiseLevels
        let boxes = noises.enumerated().compactMap { i, s in
            report.result(noise: s, points: points).flatMap { box($0, at: Double(i)) }
        }
        var plot = SVGPlot(
            title: "MAE vs noise, \(points) points (\(report.estimator))",
            xAxis: PlotAxis(label: "noise std σ", unit: "model units", scale: .categorical(noises.map(fmt))),
            yAxis: maeAxis(boxes),
            series: [.boxes(name: "", boxes: boxes)])
        plot.references = [PlotReferenceLine(value: 1, label: "one lattice period")]
        return plot
    }

    static func maeVsPoints(_ report: ValidationReport, noise: Double) -> SVGPlot {
        let counts = report.configuration.pointCounts
        let boxes = counts.enumerated().compactMap { i, n in
            report.result(noise: noise, points: n).flatMap { box($0, at: Double(i)) }
        }
        var plot = SVGPlot(
            title: "MAE vs point count, σ = \(fmt(noise)) (\(report.estimator))",
            xAxis: PlotAxis(label: "anchor points", scale: .categorical(counts.map(String.init))),
            yAxis: maeAxis(boxes),
            series: [.boxes(name: "", boxes: boxes, color: SVGColor.series(1))])
        plot.references = [PlotReferenceLine(value: 1, label: "one lattice period")]
        return plot
    }

    static func recallVsNoise(_ report: ValidationReport) -> SVGPlot {
        let noises = report.configuration.noiseLevels
        let series: [PlotSeries] = report.configuration.pointCounts.map { n in
            let pts = noises.compactMap { s in report.result(noise: s, points: n).map { Point2(s, $0.recall) } }
            return .line(name: "\(n) points", points: pts)
        }
        return SVGPlot(
            title: "Recall at OKS \(fmt(report.configuration.oksThreshold)) vs noise (\(report.estimator))",
            xAxis: PlotAxis(label: "noise std σ", unit: "model units"),
            yAxis: PlotAxis(label: "recall", range: 0...1),
            series: series, width: 720)
    }

    static func recallVsPoints(_ report: ValidationReport) -> SVGPlot {
        let counts = report.configuration.pointCounts
        let series: [PlotSeries] = report.configuration.noiseLevels.map { s in
            let pts = counts.compactMap { n in report.result(noise: s, points: n).map { Point2(Double(n), $0.recall) } }
            return .line(name: "σ = \(fmt(s))", points: pts)
        }
        return SVGPlot(
            title: "Recall at OKS \(fmt(report.configuration.oksThreshold)) vs point count (\(report.estimator))",
            xAxis: PlotAxis(label: "anchor points"),
            yAxis: PlotAxis(label: "recall", range: 0...1),
            series: series, width: 720)
    }

    static func map(_ report: ValidationReport, title: String, barLabel: String, range: ClosedRange<Double>?,
                    _ value: (ValidationConditionResult) -> Double) -> SVGHeatMap {
        let counts = report.configuration.pointCounts.sorted(by: >)
        let noises = report.configuration.noiseLevels
        let values: [[Double?]] = counts.map { n in
            noises.map { s in report.result(noise: s, points: n).map(value) }
        }
        return SVGHeatMap(
            title: title, xLabel: "noise std σ (model units)", yLabel: "anchor points",
            columns: noises.map(fmt), rows: counts.map(String.init), values: values,
            colorBarLabel: barLabel, range: range, cellDecimals: 3, width: 760, height: 520)
    }
}
