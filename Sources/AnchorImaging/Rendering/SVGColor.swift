/// An sRGB colour for SVG output, 8 bits per channel.
public struct SVGColor: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From a 24-bit value 0xRRGGBB.
    public init(hex: UInt32) {
        red = UInt8((hex >> 16) & 0xFF)
        green = UInt8((hex >> 8) & 0xFF)
        blue = UInt8(hex & 0xFF)
    }

    /// `#rrggbb`, the form SVG attributes take.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [red, green, blue] {
            s.append(digits[Int(v >> 4)])
            s.append(digits[Int(v & 0xF)])
        }
        return s
    }

    /// Relative luminance (ITU-R BT.709 weights on the gamma-encoded values; good enough to
    /// choose black or white text over a fill).
    public var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    public static let black = SVGColor(hex: 0x000000)
    public static let white = SVGColor(hex: 0xFFFFFF)
    public static let gray = SVGColor(hex: 0x888888)

    /// Ten distinguishable series colours (the Tableau 10 palette), used in order.
    public static let palette: [SVGColor] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
        0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { SVGColor(hex: $0) }

    /// The i-th palette colour (wrapping around).
    public static func series(_ i: Int) -> SVGColor {
        palette[((i % palette.count) + palette.count) % palette.count]
    }
}

/// A continuous colour map for SVG heat maps, given by evenly spaced anchor colours and
/// linear interpolation between them. Self-contained so SVG output needs nothing else.
public struct SVGColorMap: Hashable, Sendable {
    public let name: String
    public let anchors: [SVGColor]

    public init(name: String, anchors: [SVGColor]) {
        precondition(anchors.count >= 2, "a colour map needs at least two anchors")
        self.name = name
        self.anchors = anchors
    }

    /// Viridis (perceptually uniform, readable in grey scale and by colour-blind readers):
    /// nine samples of matplotlib's table.
    public static let viridis = SVGColorMap(name: "viridis", anchors: [
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725,
    ].map { SVGColor(hex: $0) })

    /// Magma: black through purple and orange to pale yellow.
    public static let magma = SVGColorMap(name: "magma", anchors: [
        0x000004, 0x1C1044, 0x4F127B, 0x812581, 0xB5367A, 0xE55064, 0xFB8761, 0xFEC287, 0xFCFDBF,
    ].map { SVGColor(hex: $0) })

    /// Grey scale, black to white.
    public static let gray = SVGColorMap(name: "gray", anchors: [SVGColor.black, SVGColor.white])

    /// The colour at `t` in [0, 1] (clamped; NaN gives the low end).
    public func color(at t: Double) -> SVGColor {
        let u = t.isNaN ? 0 : min(max(t, 0), 1)
        let pos = u * Double(anchors.count - 1)
        let i = min(Int(pos), anchors.count - 2)
        let f = pos - Double(i)
        let a = anchors[i], b = anchors[i + 1]
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8((Double(x) + (Double(y) - Double(x)) * f).rounded())
        }
        return SVGColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }
}
