import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// Writes the files of a `register` / `locate` run: result.json, the corrected image as a
/// calibrated float32 TIFF and a PNG, the overlay PNG, sites.csv / cells.csv, report.html.
struct FrameOutputs {
    let files: OutputFiles
    let analysis: FrameAnalysis
    let report: FrameReport
    let source: Image
    let inputName: String

    /// The files `writeAll` writes, in its order.
    static func fileNames(withSites: Bool) -> [String] {
        ["result.json", "corrected.tif", "corrected.png", "overlay.png"]
            + (withSites ? ["sites.csv", "cells.csv"] : []) + ["report.html"]
    }

    /// Writes everything; returns the paths written.
    func writeAll(resolution: Double?, withSites: Bool) throws -> [String] {
        try files.prepare()
        var written: [String] = []
        written.append(try files.write(JSONOutput.encode(report), to: "result.json"))
        let corrected = try analysis.corrected(source: analysis.levelled, pixelsPerUnit: resolution)
        written.append(try files.write(TIFFWriter.encode(corrected), to: "corrected.tif"))
        let correctedPNG = try corrected.rendered(colorMap: .afmhot, range: corrected.percentileRange()).pngData()
        written.append(try files.write(correctedPNG, to: "corrected.png"))
        let overlay = try overlayImage()
        let overlayPNG = try overlay.pngData()
        written.append(try files.write(overlayPNG, to: "overlay.png"))
        if withSites {
            written.append(try files.write(text: sitesCSV(), to: "sites.csv"))
            written.append(try files.write(text: cellsCSV(), to: "cells.csv"))
        }
        let html = HTMLReport.frame(report: report, inputName: inputName, overlayPNG: overlayPNG,
                                    correctedPNG: correctedPNG, corrected: corrected)
        written.append(try files.write(text: html, to: "report.html"))
        return written
    }

    /// The input with detected (grey), vote-filtered (yellow), rough-placed (cyan +), fitted
    /// anchors H(P_m) (red ○; blue ○ in further lattice domains; orange: outliers; with the
    /// scan-line field when the registration has one), and sites (green dots present,
    /// magenta × defects).
    func overlayImage() throws -> RGBImage {
        let img = analysis.levelled
        var rgb = img.rendered(colorMap: .gray, range: try img.percentileRange())
        let r = analysis.registration
        let scale = max(2, Double(min(img.width, img.height)) / 200)
        for p in r.detected { rgb.drawDot(at: p, radius: 0.6 * scale, color: RGBColor(150, 150, 150), opacity: 0.8) }
        for p in r.filtered { rgb.drawDot(at: p, radius: 0.8 * scale, color: .yellow) }
        for a in r.anchors {
            rgb.drawCross(at: r.affine.apply(a.model), size: 1.5 * scale, color: .cyan)
            // Second and further lattice domains (another terrace) in blue.
            let colour: RGBColor = (a.domain ?? 0) > 0 ? (a.inlier ? .blue : .orange) : (a.inlier ? .red : .orange)
            rgb.drawCircle(center: r.predictedImage(ofModel: a.model, domain: a.domain ?? 0), radius: 2 * scale, color: colour, lineWidth: 1)
        }
        for s in analysis.sites {
            if s.present {
                rgb.drawDot(at: s.image, radius: 0.7 * scale, color: .green, opacity: 0.9)
            } else {
                rgb.drawCross(at: s.image, size: 1.5 * scale, color: .magenta, lineWidth: 1.5, diagonal: true)
            }
        }
        return rgb
    }

    func sitesCSV() -> String {
        var out = "cell_i,cell_j,group,half,index,name,kind,image_x,image_y,model_x,model_y,present,score\n"
        for s in analysis.sites {
            out += "\(s.cell.i),\(s.cell.j),\(s.group ?? ""),\(s.half ?? ""),\(s.index.map(String.init) ?? ""),\(s.name),\(s.kind ?? ""),"
            out += "\(s.image.x),\(s.image.y),\(s.model.x),\(s.model.y),\(s.present),\(s.score)\n"
        }
        return out
    }

    func cellsCSV() -> String {
        var out = "cell_i,cell_j,group,half,bits\n"
        for c in analysis.cells { out += "\(c.cell.i),\(c.cell.j),\(c.group),\(c.half ?? ""),\(c.bits)\n" }
        return out
    }
}
