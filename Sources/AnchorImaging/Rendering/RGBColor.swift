import Foundation

/// An 8-bit sRGB colour for rendering and overlays.
public struct RGBColor: Hashable, Sendable, Codable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let black = RGBColor(0, 0, 0)
    public static let white = RGBColor(255, 255, 255)
    public static let red = RGBColor(230, 25, 25)
    public static let green = RGBColor(30, 200, 60)
    public static let blue = RGBColor(40, 90, 235)
    public static let yellow = RGBColor(250, 220, 30)
    public static let cyan = RGBColor(20, 210, 230)
    public static let magenta = RGBColor(220, 40, 210)
    public static let orange = RGBColor(255, 140, 20)

    /// Relative luminance Y = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB
    /// components (ITU-R BT.709 / WCAG), in 0…1. Used to check that a colour map's
    /// lightness runs one way.
    public var relativeLuminance: Double {
        func lin(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// Parses `#rrggbb` or `rrggbb` (hex), or one of the named colours above; `nil` otherwise.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let named: [String: RGBColor] = [
            "black": .black, "white": .white, "red": .red, "green": .green, "blue": .blue,
            "yellow": .yellow, "cyan": .cyan, "magenta": .magenta, "orange": .orange,
        ]
        if let c = named[t] { self = c; return }
        let hex = t.hasPrefix("#") ? String(t.dropFirst()) : t
        guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
        self.init(UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }
}
