/// The unit of an image's sample values ("m", "nm", "pA", "V", …) split into an SI base
/// unit and a decimal prefix, so that writers whose format stores base units (Gwyddion's
/// `.gwy`) can scale the values, and into an ASCII spelling for formats whose headers are
/// ASCII (ImageJ's TIFF description).
///
/// Parsing: a spelling that is itself a known base unit ("m", "A", "V", "T", "Pa", …) is
/// that unit with factor 1 — so "A" is ampere and "T" tesla, never a bare prefix; otherwise a
/// one-character SI prefix (y z a f p n µ μ u m c d k M G T P E Z Y, and `~`, NanoScope's µ)
/// followed by a base unit; "Å" is 10⁻¹⁰ m. Anything else is kept as it is with factor 1 and `isSI == false`.
public struct ValueUnit: Equatable, Sendable {
    /// The base unit ("m", "A", …), or the whole spelling when it is not an SI unit.
    public var base: String
    /// Decimal exponent of the prefix: a value v in the given unit is v · 10^exponent `base`.
    public var exponent: Int
    /// Whether `base` is a recognised SI unit.
    public var isSI: Bool

    static let bases: Set<String> = ["m", "A", "V", "s", "Hz", "N", "W", "Pa", "K", "C", "F", "S", "T", "Ω", "Ohm", "rad", "deg", "g"]
    static let prefixes: [Character: Int] = [
        "y": -24, "z": -21, "a": -18, "f": -15, "p": -12, "n": -9, "µ": -6, "μ": -6, "u": -6, "~": -6,
        "m": -3, "c": -2, "d": -1, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18, "Z": 21, "Y": 24,
    ]

    public init(parsing text: String) {
        let t = text.trimmingCharacters(in: [" ", "\t"])
        if t == "Å" || t == "Å" {
            (base, exponent, isSI) = ("m", -10, true)
        } else if Self.bases.contains(t) {
            (base, exponent, isSI) = (t, 0, true)
        } else if let first = t.first, let e = Self.prefixes[first], Self.bases.contains(String(t.dropFirst())) {
            (base, exponent, isSI) = (String(t.dropFirst()), e, true)
        } else {
            (base, exponent, isSI) = (t, 0, false)
        }
        // Gwyddion's base unit of mass is kg; a gram-based unit is rewritten in kg.
        if isSI && base == "g" { base = "kg"; exponent -= 3 }
    }

    /// 10^exponent: multiply a value in the parsed unit by this to get it in `base`.
    public var factorToBase: Double { Self.powerOfTen(exponent) }

    /// The factor that converts a value in this unit to the same base unit with decimal
    /// exponent `target` (e.g. `target: -9` for nm when the base is m): 10^(exponent − target).
    public func factor(toExponent target: Int) -> Double { Self.powerOfTen(exponent - target) }

    /// 10^e, exact for |e| ≤ 22 (a power of ten, or one divided by it, correctly rounded).
    public static func powerOfTen(_ e: Int) -> Double {
        var f = 1.0
        for _ in 0..<abs(e) { f *= 10 }
        return e >= 0 ? f : 1 / f
    }

    /// `text` with every non-ASCII character written as `\uXXXX` (ImageJ's escape, e.g. µm →
    /// `\u00B5m`) and line breaks as spaces, so it fits one line of an ASCII header.
    public static func asciiEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\0" {
                out += " "
            } else if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if scalar.value <= 0xFFFF {
                out += "\\u" + String(format4Hex: scalar.value)
            } else {
                // Outside the BMP: a UTF-16 surrogate pair, as Java (ImageJ) would write it.
                let v = scalar.value - 0x10000
                out += "\\u" + String(format4Hex: 0xD800 + (v >> 10)) + "\\u" + String(format4Hex: 0xDC00 + (v & 0x3FF))
            }
        }
        return out
    }

    /// Undoes `asciiEscaped` (`\uXXXX` → the character; a lone or malformed escape is kept).
    public static func asciiUnescaped(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        var units: [UInt16] = []
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 5 < chars.count,
               chars[i + 1] == "u" || chars[i + 1] == "U",
               let v = UInt16(String(String.UnicodeScalarView(chars[(i + 2)..<(i + 6)])), radix: 16) {
                units.append(v)
                i += 6
            } else {
                units.append(contentsOf: String(chars[i]).utf16)
                i += 1
            }
        }
        return String(decoding: units, as: UTF16.self)
    }
}

private func hex4(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

extension String {
    fileprivate init(format4Hex v: UInt32) {
        self = hex4(v)
    }

    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
