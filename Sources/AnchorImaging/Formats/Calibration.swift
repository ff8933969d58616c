import AnchorGeometry

/// Helpers shared by the readers to turn a file's resolution fields into `PixelSize` + unit.
enum Calibration {
    /// Picks a readable unit for a pixel size given in metres (nm below 1 µm, µm below 1 mm,
    /// mm below 1 m, else m) and expresses both sides in it.
    static func fromMetres(x: Double, y: Double) -> (PixelSize, LengthUnit)? {
        guard x.isFinite, y.isFinite, x > 0, y > 0 else { return nil }
        let m = max(x, y)
        let unit: LengthUnit = m < 1e-6 ? .nanometre : m < 1e-3 ? .micrometre : m < 1 ? .millimetre : .metre
        guard let f = LengthUnit.metre.factor(to: unit) else { return nil }
        return (PixelSize(x: x * f, y: y * f), unit)
    }

    /// Dots-per-inch values that image editors write by default (72, 96, 150, 300, 600 dpi).
    /// A resolution equal to one of these says how to print the picture, not how large the
    /// specimen is, so readers do not turn it into a pixel size.
    static func isPrinterDefault(pixelsPerInch: Double) -> Bool {
        [72.0, 96, 150, 300, 600].contains { abs(pixelsPerInch - $0) < 0.01 }
    }
}
