import AnchorRegistration
import Foundation

/// The human-readable form of a validation report: the recall map and the MAE table as
/// σ × point-count grids.
enum ValidationTextReport {
    static func render(_ r: ValidationReport) -> String {
        let c = r.configuration
        var s = "estimator \(r.estimator), \(r.mode.rawValue) mode, \(r.samples) samples per condition, seed \(r.seed), "
        s += String(format: "%.2f s on %d thread%@\n", r.seconds, r.threads, r.threads == 1 ? "" : "s")
        if r.mode == .pairing {
            s += "missing \(c.missingFraction), outliers \(c.outlierFraction) × n², prior rotation "
                + "\(c.prior.rotationDegrees) ± \(c.prior.rotationToleranceDegrees)°, scale \(c.prior.scale) ± "
                + "\(c.prior.scaleTolerance * 100) %\n"
        }
        s += "\n" + grid(r, title: "recall at OKS > \(c.oksThreshold)") { String(format: "%.4f", $0.recall) }
        s += "\n" + grid(r, title: "MAE median (model units)") { $0.mae.map { String(format: "%.2e", $0.median) } ?? "–" }
        s += "\n" + grid(r, title: "MAE quartiles q1–q3") {
            $0.mae.map { String(format: "%.1e–%.1e", $0.q1, $0.q3) } ?? "–"
        }
        if r.mode == .pairing {
            s += "\n" + grid(r, title: "fraction of samples with MAE > 1") { String(format: "%.4f", $0.onePeriodOff) }
        }
        let failures = r.conditions.reduce(0) { $0 + $1.failures }
        if failures > 0 {
            s += "\n" + grid(r, title: "failures") { "\($0.failures)" }
            if let first = r.conditions.first(where: { $0.firstFailure != nil })?.firstFailure {
                s += "first failure: \(first)\n"
            }
        }
        return s
    }

    static func grid(_ r: ValidationReport, title: String, _ cell: (ValidationConditionResult) -> String) -> String {
        let noises = r.configuration.noiseLevels
        let counts = r.configuration.pointCounts
        var rows: [[String]] = [["n² \\ σ"] + noises.map { "\($0)" }]
        for n in counts {
            rows.append(["\(n)"] + noises.map { s in r.result(noise: s, points: n).map(cell) ?? "–" })
        }
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (i, v) in row.enumerated() { widths[i] = max(widths[i], v.count) } }
        var out = title + "\n"
        for row in rows {
            out += row.enumerated().map { i, v in
                String(repeating: " ", count: widths[i] - v.count) + v
            }.joined(separator: "  ") + "\n"
        }
        return out
    }
}
