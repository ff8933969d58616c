import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The files `anchorreg align` writes, and the renderings the report embeds.
enum AlignOutputs {
    /// Symmetric colour range of a difference map: ± the larger |0.5 %| / |99.5 %| percentile.
    static func differenceRange(_ d: Image) -> ClosedRange<Float> {
        let p = (try? d.percentiles([0.5, 99.5])) ?? [-1, 1]
        let m = max(abs(p[0]), abs(p[1]), 1e-6)
        return -m...m
    }

    /// A frame's original image with the model projected: regions (yellow), predicted anchors
    /// H·P_m (green crosses) and detected anchors (red dots).
    static func overlay(_ frame: AlignmentFrame, _ reg: DeviceRegistration, model: AnchorModel) -> RGBImage {
        var img = frame.colour ?? frame.luminance.rendered()
        let lw = max(1, Double(max(img.width, img.height)) / 600)
        for r in model.regions {
            img.drawPolygon(r.polygon.map { reg.homography.apply($0) }, color: .yellow, lineWidth: lw, opacity: 0.8)
        }
        for p in reg.pairs {
            img.drawCross(at: reg.homography.apply(p.model), size: 4 * lw, color: .green, lineWidth: lw)
            img.drawDot(at: p.image, radius: 1.5 * lw, color: p.inlier ? .red : .magenta)
        }
        return img
    }

    /// An aligned frame (colour when available) with the model's regions drawn on the grid.
    static func alignedPreview(_ r: DeviceAlignmentResult, _ k: Int, model: AnchorModel) -> RGBImage {
        var img = r.alignedColour[k] ?? r.aligned[k].rendered()
        for reg in model.regions {
            img.drawPolygon(reg.polygon.map { r.grid.pixel(ofModelPoint: $0) }, color: .yellow, lineWidth: 1, opacity: 0.6)
        }
        return img
    }

    /// The image and table files of `selection` (TIFF, GSF, GWY, PNG, CSV with its SVG plot)
    /// as jobs, in the order the files are listed in result.json; result.json and
    /// report.html are the command's. `previews` are `alignedPreview(r, k, …)` of every frame
    /// (made once, the report shows them too).
    static func jobs(_ r: DeviceAlignmentResult, frames: [AlignmentFrame], model: AnchorModel, profiles: [LineProfile],
                     previews: [RGBImage], selection: OutputSelection = .defaults) -> [OutputJob] {
        var jobs: [OutputJob] = []
        let (tiff, png, gsf, gwy) = (selection.contains(.tiff), selection.contains(.png), selection.contains(.gsf), selection.contains(.gwy))
        for k in r.aligned.indices {
            let name = frames[k].name
            if tiff { jobs.append(OutputJob("aligned-\(k).tiff") { try TIFFWriter.encode(r.aligned[k]) }) }
            if gsf { jobs.append(OutputJob("aligned-\(k).gsf") { try GwyddionGSF.write(r.aligned[k], title: name) }) }
            if gwy { jobs.append(OutputJob("aligned-\(k).gwy") { try GwyddionGWY.write(r.aligned[k], title: name) }) }
            if png {
                jobs.append(OutputJob("aligned-\(k).png") { try previews[k].pngData() })
                let frame = frames[k], reg = r.registrations[k]
                jobs.append(OutputJob("overlay-\(k).png") { try overlay(frame, reg, model: model).pngData() })
            }
        }
        for (j, d) in r.differences.enumerated() {
            if tiff { jobs.append(OutputJob("difference-\(j + 1).tiff") { try TIFFWriter.encode(d) }) }
            if gsf { jobs.append(OutputJob("difference-\(j + 1).gsf") { try GwyddionGSF.write(d, title: "difference \(j + 1)") }) }
            if gwy { jobs.append(OutputJob("difference-\(j + 1).gwy") { try GwyddionGWY.write(d, title: "difference \(j + 1)") }) }
            if png {
                jobs.append(OutputJob("difference-\(j + 1).png") {
                    try d.renderedPNG(colorMap: .coolwarm, range: differenceRange(d), nanColor: .black)
                })
            }
        }
        if png && !r.differences.isEmpty {
            jobs.append(OutputJob("difference-colorbar.png") { try ColorMap.coolwarm.colorBar(length: 256, thickness: 16).pngData() })
        }
        if selection.contains(.csv) && !profiles.isEmpty {
            let names = frames.map(\.name)
            jobs.append(OutputJob("profiles.csv") {
                var csv = ""
                for (i, p) in profiles.enumerated() {
                    csv += "# profile \(i + 1): (\(p.start.x), \(p.start.y)) → (\(p.end.x), \(p.end.y)) \(unitText(model))\n"
                    csv += p.csv(frameNames: names, unit: unitName(model))
                }
                return Data(csv.utf8)
            })
            jobs.append(OutputJob("profiles.svg") { Data(profilePlot(profiles, names: names, model: model).svg().utf8) })
        }
        return jobs
    }

    /// Writes the files of `jobs(…)` (in parallel, see `OutputJob.run`).
    /// - Returns: the paths written, in the jobs' order.
    static func write(_ r: DeviceAlignmentResult, frames: [AlignmentFrame], model: AnchorModel,
                      profiles: [LineProfile], to files: OutputFiles, selection: OutputSelection = .defaults) throws -> [String] {
        let previews = selection.contains(.png) ? r.aligned.indices.map { alignedPreview(r, $0, model: model) } : []
        return try OutputJob.run(jobs(r, frames: frames, model: model, profiles: profiles, previews: previews, selection: selection),
                                 to: files)
    }

    /// The model unit in ASCII for CSV column names ("px" for a model without a physical scale).
    static func unitName(_ model: AnchorModel) -> String {
        model.unit == .none ? "px" : (model.unit == .micrometre ? "um" : model.unit.rawValue)
    }

    /// The model unit's symbol for JSON: "px" for a model without a physical scale (its
    /// drawing's pixels), never "", so that its numbers are not read as µm.
    static func unitSymbol(_ model: AnchorModel) -> String {
        model.unit == .none ? "px" : model.unit.rawValue
    }

    /// The model unit for people: "drawing px" for a model without a physical scale.
    static func unitText(_ model: AnchorModel) -> String {
        model.unit == .none ? "drawing px" : model.unit.rawValue
    }

    static func profilePlot(_ profiles: [LineProfile], names: [String], model: AnchorModel) -> SVGPlot {
        var series: [PlotSeries] = []
        for (i, p) in profiles.enumerated() {
            for (k, v) in p.values.enumerated() {
                let pts = zip(p.distances, v).filter { $0.1.isFinite }.map { Point2($0.0, Double($0.1)) }
                let label = profiles.count > 1 ? "profile \(i + 1), \(names[k])" : names[k]
                series.append(.line(name: label, points: pts, color: SVGColor.series(i * names.count + k), markers: false,
                                    dashed: k > 0))
            }
        }
        return SVGPlot(title: "Line profiles on the aligned frames",
                       xAxis: PlotAxis(label: "distance along the line", unit: unitText(model)),
                       yAxis: PlotAxis(label: "luminance (normalised to the first frame)"), series: series)
    }
}
