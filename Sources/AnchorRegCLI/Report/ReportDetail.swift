import AnchorImaging
import Foundation

/// How `report.html` stays small for large frames: an image longer than
/// `ReportPicture.maxSide` is shown as a block-averaged overview plus a full-resolution
/// detail crop of its centre. The overview keeps only the layers with at most
/// `overviewPointLimit` markers (at overview scale a denser layer is a carpet of markers
/// anyway); the detail crop carries every layer, clipped to the crop.
///
/// Coordinates: a view's markers live in the pixels of its own image; the detail's pixel
/// (0, 0) is pixel (`x0`, `y0`) of the full image (pixel centres at integers, x right, y down).
enum ReportDetail {
    /// Side of the detail crop, in pixels of the full-resolution image.
    static let side = 512
    /// The most markers a layer may have to be drawn on an overview.
    static let overviewPointLimit = 3000

    /// A crop of the full image: pixels `x0 ..< x0 + width`, `y0 ..< y0 + height`.
    struct Region: Equatable {
        var x0: Int
        var y0: Int
        var width: Int
        var height: Int

        /// Whether `(x, y)` (full-image pixels) lies on one of the crop's pixels.
        func contains(x: Double, y: Double) -> Bool {
            x >= Double(x0) - 0.5 && x < Double(x0 + width) - 0.5 && y >= Double(y0) - 0.5 && y < Double(y0 + height) - 0.5
        }
    }

    /// The `side`² crop at the centre of a `width × height` image (the whole image when it is
    /// smaller).
    static func centre(width: Int, height: Int) -> Region {
        let w = min(side, width), h = min(side, height)
        return Region(x0: (width - w) / 2, y0: (height - h) / 2, width: w, height: h)
    }

    /// `image` cut to `region` (calibration and value unit kept).
    static func crop(_ image: Image, to region: Region) throws -> Image {
        var pixels = [Float]()
        pixels.reserveCapacity(region.width * region.height)
        for y in region.y0..<(region.y0 + region.height) {
            let row = y * image.width + region.x0
            pixels.append(contentsOf: image.pixels[row..<(row + region.width)])
        }
        return try Image(width: region.width, height: region.height, pixels: pixels, pixelSize: image.pixelSize,
                         unit: image.unit, valueUnit: image.valueUnit)
    }

    /// The layer's markers inside `region`, moved into the crop's pixels, with their labels,
    /// vectors and hover records; nil when none is inside. Polygon layers are not clipped
    /// (nil). The clipped layer has its own hover records (no `share`).
    static func clip(_ layer: ReportDocument.Layer, to region: Region) -> ReportDocument.Layer? {
        guard layer.starts == nil, layer.shape != "polygon" else { return nil }
        var keep: [Int] = []
        for k in 0..<(layer.points.count / 2) where region.contains(x: layer.points[2 * k], y: layer.points[2 * k + 1]) {
            keep.append(k)
        }
        guard !keep.isEmpty else { return nil }
        var out = layer
        out.points = keep.flatMap { [HTMLReport.round2(layer.points[2 * $0] - Double(region.x0)),
                                     HTMLReport.round2(layer.points[2 * $0 + 1] - Double(region.y0))] }
        out.labels = layer.labels.map { l in keep.map { l[$0] } }
        out.vectors = layer.vectors.map { v in keep.flatMap { [v[2 * $0], v[2 * $0 + 1]] } }
        out.records = layer.records.map { r in keep.map { r[$0] } }
        out.share = nil
        // A crop holds a few hundred cells: their labels are readable.
        if layer.shape == "label" { out.visible = true }
        return out
    }

    /// The full-resolution detail of `overview`'s centre: the crop of `source` (the image the
    /// overview reduces, in the same pixels as its markers) drawn with `map` over `range`, and
    /// every layer clipped to it.
    static func view(of overview: ReportDocument.View, source: Image, map: ColorMap, range: ClosedRange<Float>,
                     id: String, title: String) throws -> ReportDocument.View {
        let region = centre(width: source.width, height: source.height)
        var v = overview
        v.id = id
        v.title = title
        v.caption = "Pixels \(region.x0)…\(region.x0 + region.width - 1) × \(region.y0)…\(region.y0 + region.height - 1) of the \(source.width) × \(source.height) px image (its centre), at full resolution with every layer."
        v.width = region.width
        v.height = region.height
        v.origin = [region.x0, region.y0]
        v.image = try ReportPicture.gray(try crop(source, to: region), map: map, range: range)
        v.compare = nil
        v.layers = overview.layers.compactMap { clip($0, to: region) }
        return v
    }

    /// `view` with the layers of more than `overviewPointLimit` markers left out, and a
    /// sentence saying which were left out (nil when none was).
    static func thinned(_ view: ReportDocument.View) -> (view: ReportDocument.View, note: String?) {
        var v = view
        let dense = v.layers.filter { $0.points.count / 2 > overviewPointLimit }
        guard !dense.isEmpty else { return (v, nil) }
        v.layers.removeAll { $0.points.count / 2 > overviewPointLimit }
        let names = dense.map { "\($0.name) (\($0.points.count / 2))" }.joined(separator: ", ")
        return (v, "Layers of more than \(overviewPointLimit) markers are drawn only in the full-resolution detail: \(names).")
    }
}
