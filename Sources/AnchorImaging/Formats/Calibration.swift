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

extension Calibration {
    /// Splits a unit with an SI prefix into the factor to its base unit and the base unit:
    /// "nm" → (1e-9, "m"), "nA" → (1e-9, "A"), "mV" → (1e-3, "V"), "~m" (NanoScope's µ) and
    /// "um" → (1e-6, "m"), "Å"/"A" only as written ("A" is ampere). Units without a known
    /// prefix come back unchanged with factor 1 ("m", "V", "deg", "Hz"). The parsing is
    /// `ValueUnit`'s, which the writers use too.
    static func siBase(_ unit: String) -> (factor: Double, base: String) {
        let v = ValueUnit(parsing: unit)
        return (v.factorToBase, v.base)
    }

    /// Nanometres in one `unit` of a lateral length: `LengthUnit` spellings first (so "A"
    /// is the ångström, as microscopy files mean it for lengths), then any SI-prefixed metre
    /// (`pm`, `~m`, …). Nil when the unit is not a length.
    static func nanometresPerUnit(_ unit: String) -> Double? {
        let u = unit.trimmingCharacters(in: .whitespaces)
        if let lu = LengthUnit(parsing: u), lu != .none, let f = lu.factor(to: .nanometre) { return f }
        let (f, base) = siBase(u)
        return base == "m" ? f * 1e9 : nil
    }

    /// A lateral pixel size given per axis in `unitX` and `unitY`, in nanometres; nil when a
    /// unit is not a length or a size is not positive and finite.
    static func nanometres(x: Double, unitX: String, y: Double, unitY: String) -> PixelSize? {
        guard let fx = nanometresPerUnit(unitX), let fy = nanometresPerUnit(unitY),
              x.isFinite, y.isFinite, x > 0, y > 0 else { return nil }
        let px = PixelSize(x: x * fx, y: y * fy)
        guard px.x.isFinite, px.y.isFinite, px.x > 0, px.y > 0 else { return nil }
        return px
    }

    /// `nanometres(x:unitX:y:unitY:)` with one unit for both axes.
    static func nanometres(x: Double, y: Double, unit: String) -> PixelSize? {
        nanometres(x: x, unitX: unit, y: y, unitY: unit)
    }
}
