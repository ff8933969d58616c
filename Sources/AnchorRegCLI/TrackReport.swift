import AnchorGeometry
import AnchorImaging
import AnchorRegistration
import Foundation

/// The self-contained report.html of `track`: the drift trajectory, the velocity against
/// time, and every frame's thumbnail with its verdict.
enum TrackReport {
    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
        h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f3f3f3}td.l,th.l{text-align:left}
        .imgs{display:flex;flex-wrap:wrap;gap:1em}.imgs figure{margin:0}
        figcaption{font-size:.85em;color:#555}code{background:#f6f6f6;padding:1px 3px}
        """

    static func img(_ png: Data, alt: String) -> String {
        "<img alt=\"\(ReportPage.escape(alt))\" src=\"data:image/png;base64,\(png.base64EncodedString())\">"
    }

    static func html(_ frames: [TrackedFrame], thumbnails: [(TrackedFrame, Data?)], model: String) -> String {
        let e = ReportPage.escape
        let good = frames.filter { $0.latticePosition != nil }
        var s = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>AnchorReg — series of \(frames.count) frames</title><style>\(style)"
        s += ".thumbs{display:flex;flex-wrap:wrap;gap:.6em}.thumbs figure{margin:0;width:170px}.thumbs img{width:160px;border:3px solid #ccc}"
        s += ".ok img{border-color:#2a2}.doubtful img{border-color:#e90}.refused img{border-color:#d22}</style></head><body>"
        s += "<h1>AnchorReg series tracking: \(frames.count) frames registered to <code>\(e(model))</code></h1>"
        let counts = Dictionary(grouping: frames, by: { $0.quality.status }).mapValues(\.count)
        s += "<p>\(counts[.ok] ?? 0) ok, \(counts[.doubtful] ?? 0) doubtful, \(counts[.refused] ?? 0) refused. Positions: frame 0's model origin in the scanner frame (nm; x right = fast axis, y down = slow axis) at each frame's centre time.</p>"
        let trajectory = SVGPlot(
            title: "Drift trajectory of the lattice (scanner frame)",
            xAxis: PlotAxis(label: "x", unit: "nm"), yAxis: PlotAxis(label: "y", unit: "nm"),
            series: [.line(name: "lattice position", points: good.map { $0.latticePosition! })])
        let vx = good.compactMap { f in f.driftVelocity.map { Point2(f.time, $0.x) } }
        let vy = good.compactMap { f in f.driftVelocity.map { Point2(f.time, $0.y) } }
        let velocity = SVGPlot(
            title: "Drift velocity against time", xAxis: PlotAxis(label: "time", unit: "s"),
            yAxis: PlotAxis(label: "velocity", unit: "nm/s"),
            series: [.line(name: "vx", points: vx), .line(name: "vy", points: vy)])
        s += "<div class=imgs><figure>\(trajectory.svg())</figure><figure>\(velocity.svg())</figure></div>"
        s += "<h2>Frames</h2><div class=thumbs>"
        for (t, png) in thumbnails {
            s += "<figure class=\(t.quality.status.rawValue)>"
            if let png { s += img(png, alt: "frame \(t.index)") }
            var cap = "#\(t.index) \(e((t.file as NSString).lastPathComponent)) — <b>\(t.quality.status.rawValue)</b>"
            if let o = t.cellOffset { cap += "<br>cell (0,0) = (\(o.i), \(o.j))" }
            if let d = t.drift { cap += String(format: "<br>drift (%.3f, %.3f) nm", d.x, d.y) }
            for r in t.quality.reasons { cap += "<br>\(e(r.message))" }
            s += "<figcaption>\(cap)</figcaption></figure>"
        }
        s += "</div><h2>Table</h2><table><tr><th>#</th><th>time (s)</th><th>verdict</th><th>cell offset</th><th>drift (nm)</th><th>velocity (nm/s)</th><th>± σ</th><th>forecast next (nm)</th><th>creep A (nm), τ</th></tr>"
        func p(_ v: Point2?, _ fmt: String = "%.4f") -> String { v.map { String(format: "\(fmt), \(fmt)", $0.x, $0.y) } ?? "—" }
        for t in frames {
            let creep = t.decomposition.map { d in d.creepTau.map { String(format: "%.3f, %.3f", d.creepAmplitude, $0) } ?? "none" } ?? "—"
            s += "<tr><td>\(t.index)</td><td>\(String(format: "%.1f", t.time))</td><td class=l>\(t.quality.status.rawValue)</td>"
            s += "<td>\(t.cellOffset.map { "(\($0.i), \($0.j))" } ?? "—")</td><td>\(p(t.drift))</td><td>\(p(t.driftVelocity, "%.5f"))</td>"
            s += "<td>\(p(t.driftVelocitySigma, "%.5f"))</td><td>\(p(t.forecastNextDrift))</td><td>\(creep)</td></tr>"
        }
        s += "</table></body></html>"
        return s
    }
}
