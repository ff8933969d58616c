import AnchorGeometry

extension Image {
    /// Finds the largest bright (or dark) four-sided object — a device, a marker, a sample — and
    /// fits its outline with sub-pixel corners.
    ///
    /// Otsu threshold → opening by a 3×3 disk (removes specks) → largest 8-connected component →
    /// outer contour → `fitQuadrilateral` refined on this image.
    /// - Parameter brightObject: true when the object is brighter than its surroundings.
    /// - Throws: `ImageError.invalidParameter` when thresholding finds nothing, or the errors of
    ///   `fitQuadrilateral`.
    public func findQuadrilateral(brightObject: Bool = true,
                                  options: QuadrilateralFitOptions = QuadrilateralFitOptions()) throws -> FittedQuadrilateral {
        let mask = try otsuMask(brightForeground: brightObject).opened(by: .disk(radius: 1))
        let comps = ConnectedComponents(mask, connectivity: .eight)
        guard let obj = comps.largest else {
            throw ImageError.invalidParameter(name: "image", reason: "no \(brightObject ? "bright" : "dark") object found by Otsu thresholding")
        }
        let contour = try comps.outerContour(of: obj.label)
        return try fitQuadrilateral(outline: contour, image: self, options: options)
    }
}
