import AnchorGeometry

/// A raster laid over *model* coordinates: output pixel (i, j) (column i, row j) sits at the
/// model point `origin + (i, j) / pixelsPerUnit`.
///
/// This is how a registered image is reconstructed on the model's absolute scale: pick the
/// region of the model to show and a resolution (e.g. 20 px per nm), then warp with H (model →
/// image). The warped image has square pixels of `1 / pixelsPerUnit` model units.
public struct OutputGrid: Hashable, Sendable, Codable {
    /// Model coordinates (model units) of the centre of output pixel (0, 0).
    public var origin: Point2
    /// Output size in pixels.
    public var width: Int
    public var height: Int
    /// Output pixels per model unit (e.g. 20 px/nm); the pixel size is its reciprocal.
    public var pixelsPerUnit: Double
    /// The model's length unit, carried into the output image's calibration.
    public var unit: LengthUnit

    /// - Throws: `ImageError.invalidDimensions` for a bad size, `ImageError.invalidParameter`
    ///   for a non-finite origin or a non-positive or non-finite resolution.
    public init(origin: Point2, width: Int, height: Int, pixelsPerUnit: Double,
                unit: LengthUnit = .none) throws {
        try Image.validate(width: width, height: height)
        guard origin.x.isFinite, origin.y.isFinite else {
            throw ImageError.invalidParameter(name: "origin", reason: "must be finite")
        }
        guard pixelsPerUnit.isFinite, pixelsPerUnit > 0 else {
            throw ImageError.invalidParameter(name: "pixelsPerUnit", reason: "must be finite and > 0, got \(pixelsPerUnit)")
        }
        self.origin = origin
        self.width = width
        self.height = height
        self.pixelsPerUnit = pixelsPerUnit
        self.unit = unit
    }

    /// The grid covering the model rectangle [minX, maxX] × [minY, maxY] (model units) at
    /// `pixelsPerUnit`, with pixel (0, 0) at (minX, minY); the far edge is included when it
    /// falls on a pixel centre.
    /// - Throws: as `init`, and `ImageError.invalidParameter` for an empty rectangle.
    public init(covering minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double,
                pixelsPerUnit: Double, unit: LengthUnit = .none) throws {
        guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite, maxX > minX, maxY > minY else {
            throw ImageError.invalidParameter(name: "rectangle", reason: "needs finite bounds with max > min")
        }
        guard pixelsPerUnit.isFinite, pixelsPerUnit > 0 else {
            throw ImageError.invalidParameter(name: "pixelsPerUnit", reason: "must be finite and > 0, got \(pixelsPerUnit)")
        }
        let wd = ((maxX - minX) * pixelsPerUnit + 1e-9).rounded(.down) + 1
        let hd = ((maxY - minY) * pixelsPerUnit + 1e-9).rounded(.down) + 1
        guard wd < Double(Int32.max), hd < Double(Int32.max) else {
            throw ImageError.invalidDimensions(width: Int(min(wd, 1e18)), height: Int(min(hd, 1e18)),
                                               reason: "grid too large")
        }
        try self.init(origin: Point2(minX, minY), width: Int(wd), height: Int(hd),
                      pixelsPerUnit: pixelsPerUnit, unit: unit)
    }

    /// Model point (model units) of output pixel (i, j) — fractional i, j allowed.
    public func modelPoint(_ i: Double, _ j: Double) -> Point2 {
        Point2(origin.x + i / pixelsPerUnit, origin.y + j / pixelsPerUnit)
    }

    /// Output pixel coordinates of a model point (inverse of `modelPoint`).
    public func pixel(ofModelPoint p: Point2) -> Point2 {
        Point2((p.x - origin.x) * pixelsPerUnit, (p.y - origin.y) * pixelsPerUnit)
    }

    /// The affine map output pixel → model point.
    public var outputToModel: Homography {
        let s = 1 / pixelsPerUnit
        return Homography(s, 0, origin.x, 0, s, origin.y, 0, 0, 1)
    }

    /// Pixel size of images on this grid: 1 / pixelsPerUnit along x and y.
    public var pixelSize: PixelSize {
        PixelSize(x: 1 / pixelsPerUnit, y: 1 / pixelsPerUnit)
    }
}
