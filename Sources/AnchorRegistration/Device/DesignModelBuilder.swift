import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation

/// Builds a device model from its design drawing (a mask layout image): the four-sided
/// features the `RectangleExtractor` finds (contact pads, a device square) become anchor
/// groups — corners and centre of each — and named regions (issue 5: `models from-image`).
public enum DesignModelBuilder {
    /// - Parameters:
    ///   - image: the drawing's luminance (x right, y down; its pixel (0, 0) becomes model (0, 0)).
    ///   - name: the model's name.
    ///   - micrometresPerPixel: the drawing's scale; `nil` keeps drawing pixels as the unit
    ///     (`LengthUnit.none`), so results are in drawing pixels.
    ///   - includeCentres: add each feature's centre as an anchor.
    /// - Returns: a shape model with groups "P1", "P2", … (in reading order of their centres:
    ///   top to bottom, then left to right), anchors "Pk.c1"…"Pk.c4" (kind "corner",
    ///   clockwise from the top-left) and "Pk.centre" (kind "centre"), a region per feature,
    ///   and a region "drawing" covering the whole drawing.
    /// - Throws: `DeviceError.structureNotFound` when the drawing has no four-sided feature,
    ///   `.invalidParameter` for a bad scale.
    public static func model(fromDrawing image: Image, name: String, micrometresPerPixel: Double? = nil,
                             includeCentres: Bool = true,
                             extractor: RectangleExtractorOptions = RectangleExtractorOptions()) throws -> AnchorModel {
        if let s = micrometresPerPixel, !(s.isFinite && s > 0) {
            throw DeviceError.invalidParameter(name: "scale", reason: "\(s) µm per px; must be positive")
        }
        let scale = micrometresPerPixel ?? 1
        let quads = try RectangleExtractor(options: extractor).extract(image).quadrilaterals
        // Reading order with a tolerance of a quarter of the median feature size per row.
        let tol = 0.25 * (quads.map(\.size).sorted()[quads.count / 2])
        let ordered = quads.sorted {
            abs($0.centre.y - $1.centre.y) > tol ? $0.centre.y < $1.centre.y : $0.centre.x < $1.centre.x
        }
        var points: [ShapePoint] = []
        var regions: [NamedRegion] = []
        func m(_ p: Point2) -> Point2 { Point2(p.x * scale, p.y * scale) }
        for (k, q) in ordered.enumerated() {
            let g = "P\(k + 1)"
            for (c, p) in q.corners.enumerated() {
                points.append(ShapePoint(name: "\(g).c\(c + 1)", position: m(p), group: g, index: c + 1, kind: "corner"))
            }
            if includeCentres {
                points.append(ShapePoint(name: "\(g).centre", position: m(q.centre), group: g, kind: "centre"))
            }
            regions.append(NamedRegion(name: g, polygon: q.corners.map(m)))
        }
        let w = Double(image.width - 1), h = Double(image.height - 1)
        regions.append(NamedRegion(name: "drawing", polygon: [m(Point2(0, 0)), m(Point2(w, 0)), m(Point2(w, h)), m(Point2(0, h))]))
        let unitText = micrometresPerPixel == nil ? "drawing px" : "µm"
        return try AnchorModel(
            name: name,
            summary: "from a design drawing: \(ordered.count) four-sided feature(s), corners\(includeCentres ? " + centres" : "") as anchors, \(unitText)",
            unit: micrometresPerPixel == nil ? .none : .micrometre,
            geometry: .shape(ShapeModel(points: points)), regions: regions,
            defaultExtractor: "rectangle", anchorContrast: .edge)
    }
}
