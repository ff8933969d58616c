/// A physical length unit, as carried by calibrated images and anchor models.
///
/// `none` marks data without a physical scale (an uncalibrated image: its lengths are pixels).
public enum LengthUnit: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case metre = "m"
    case millimetre = "mm"
    case micrometre = "µm"
    case nanometre = "nm"
    case angstrom = "Å"
    case none = ""

    /// Size of one unit in metres (`nil` for `.none`).
    public var metres: Double? {
        switch self {
        case .metre: return 1
        case .millimetre: return 1e-3
        case .micrometre: return 1e-6
        case .nanometre: return 1e-9
        case .angstrom: return 1e-10
        case .none: return nil
        }
    }

    /// Parses the spellings microscopy files use: "m", "mm", "um", "µm" (micro sign or Greek
    /// mu), "micron", "nm", "A", "Å", "angstrom"; empty or "px" gives `.none`.
    /// Returns `nil` for anything else (the caller decides whether that is an error).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: [" ", "\t", "\n", "\r", "\0"])
        switch t {
        case "m", "metre", "meter", "metres", "meters": self = .metre
        case "mm": self = .millimetre
        case "um", "µm", "μm", "micron", "microns", "micrometre", "micrometer": self = .micrometre
        case "nm", "nanometre", "nanometer": self = .nanometre
        case "A", "Å", "Å", "angstrom", "Angstrom": self = .angstrom
        case "", "px", "pixel", "pixels", "none": self = LengthUnit.none
        default: return nil
        }
    }

    /// Decimal exponent of the unit in metres (`nil` for `.none`).
    public var powerOfTen: Int? {
        switch self {
        case .metre: return 0
        case .millimetre: return -3
        case .micrometre: return -6
        case .nanometre: return -9
        case .angstrom: return -10
        case .none: return nil
        }
    }

    /// Factor that converts a length in `self` to `other` (`nil` if either is `.none`).
    /// Computed from the decimal exponents, so µm → nm is exactly 1000.
    public func factor(to other: LengthUnit) -> Double? {
        guard let a = powerOfTen, let b = other.powerOfTen else { return nil }
        let e = a - b
        var f = 1.0
        for _ in 0..<abs(e) { f *= 10 }
        return e >= 0 ? f : 1 / f
    }

    public var description: String { self == .none ? "px" : rawValue }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
