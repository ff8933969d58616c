import AnchorGeometry
import AnchorImaging
import AnchorModels

/// Corrected frames of a series on one absolute grid: frame 0's model coordinates (model
/// units), so the same cell lies at the same output pixel on every page.
public enum SeriesStack {
    /// Model point in frame 0's numbering of a point `m` of a frame whose cell (0, 0) is
    /// `offset` of frame 0.
    public static func toFrameZero(_ m: Point2, offset: CellIndex, lattice: LatticeModel) -> Point2 {
        m + lattice.a1 * Double(offset.i) + lattice.a2 * Double(offset.j)
    }

    /// A grid covering every usable frame's footprint, at `pixelsPerUnit` lowered when needed
    /// so that neither side exceeds `maxSide` pixels.
    /// - Throws: `RegistrationError.invalidParameter` when no frame is usable.
    public static func grid(covering frames: [TrackedFrame], lattice: LatticeModel, pixelsPerUnit: Double,
                            maxSide: Int = 2048, unit: LengthUnit) throws -> OutputGrid {
        var pts: [Point2] = []
        for f in frames {
            guard let d = f.decomposition, let o = f.cellOffset else { continue }
            let w = Double(d.width - 1), h = Double(d.height - 1)
            for c in [Point2(0, 0), Point2(w, 0), Point2(0, h), Point2(w, h)] {
                pts.append(toFrameZero(d.modelPoint(ofImage: c), offset: o, lattice: lattice))
            }
        }
        guard !pts.isEmpty else { throw RegistrationError.invalidParameter(name: "frames", reason: "no usable frame to stack") }
        let minX = pts.map(\.x).min()!, maxX = pts.map(\.x).max()!, minY = pts.map(\.y).min()!, maxY = pts.map(\.y).max()!
        let side = max(maxX - minX, maxY - minY)
        let ppu = min(pixelsPerUnit, Double(maxSide - 1) / max(side, 1e-9))
        return try OutputGrid(covering: minX, minY, maxX, maxY, pixelsPerUnit: ppu, unit: unit)
    }

    /// The frame's image resampled onto `grid` (bilinear; NaN outside the frame) through its
    /// decomposition, creep included.
    public static func page(_ image: Image, frame: TrackedFrame, grid: OutputGrid, lattice: LatticeModel) throws -> Image {
        var out = [Float](repeating: .nan, count: grid.width * grid.height)
        if let d = frame.decomposition, let o = frame.cellOffset {
            let shift = lattice.a1 * Double(o.i) + lattice.a2 * Double(o.j)
            let toImage = d.imageMap()
            for j in 0..<grid.height {
                for i in 0..<grid.width {
                    let m = grid.modelPoint(Double(i), Double(j)) - shift
                    if let v = image.sample(at: toImage(m), interpolation: .bilinear) {
                        out[j * grid.width + i] = v
                    }
                }
            }
        }
        return try Image(width: grid.width, height: grid.height, pixels: out, pixelSize: grid.pixelSize,
                         unit: grid.unit, valueUnit: image.valueUnit)
    }
}
