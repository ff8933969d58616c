/// A colour map: 256 colours indexed by a normalised value t in 0…1.
///
/// Rendering maps a sample v to t = (v − low) / (high − low), clamped to 0…1, and looks up
/// entry round(255 t). The built-in maps:
/// - `gray`: black → white.
/// - `viridis`: perceptually uniform, monotone in lightness, readable by colour-blind readers
///   and in grey-scale print (van der Walt & Smith; the published 256-entry table).
/// - `afmhot`: black → red → yellow → white, matplotlib's `afmhot` (r = 2t, g = 2t − ½,
///   b = 2t − 1, clipped), the map STM/AFM users know from Gwyddion and WSxM.
/// - `coolwarm`: Moreland's blue → grey-white → red diverging map for difference images,
///   where the middle (t = ½) means "no change".
public struct ColorMap: Hashable, Sendable, CustomStringConvertible {
    public var description: String { name }

    /// The map's name as the CLI accepts it (`gray`, `viridis`, `afmhot`, `coolwarm`).
    public let name: String
    /// 256 entries, interleaved R, G, B.
    public let table: [UInt8]

    /// Creates a map from 256 interleaved RGB entries.
    /// - Throws: `ImageError.invalidParameter` unless `table.count == 768`.
    public init(name: String, table: [UInt8]) throws {
        guard table.count == 768 else {
            throw ImageError.invalidParameter(
                name: "table", reason: "a colour map needs 256 RGB entries (768 bytes), got \(table.count)")
        }
        self.name = name
        self.table = table
    }

    private init(uncheckedName name: String, table: [UInt8]) {
        self.name = name
        self.table = table
    }

    /// Colour of entry `index` (0…255, clamped).
    @inlinable
    public subscript(index: Int) -> RGBColor {
        let i = 3 * min(max(index, 0), 255)
        return RGBColor(table[i], table[i + 1], table[i + 2])
    }

    /// Colour for a normalised value `t` (clamped to 0…1; NaN gives entry 0).
    @inlinable
    public func color(at t: Double) -> RGBColor {
        guard t.isFinite else { return self[t == .infinity ? 255 : 0] }
        return self[Int((min(max(t, 0), 1) * 255).rounded())]
    }

    public static let gray = ColorMap(
        uncheckedName: "gray",
        table: (0..<256).flatMap { i in [UInt8(i), UInt8(i), UInt8(i)] })

    public static let viridis = ColorMap(uncheckedName: "viridis", table: ColorMapTables.viridis)

    public static let afmhot: ColorMap = {
        func channel(_ t: Double, _ offset: Double) -> UInt8 {
            UInt8((min(max(2 * t - offset, 0), 1) * 255).rounded())
        }
        let table = (0..<256).flatMap { i -> [UInt8] in
            let t = Double(i) / 255
            return [channel(t, 0), channel(t, 0.5), channel(t, 1)]
        }
        return ColorMap(uncheckedName: "afmhot", table: table)
    }()

    public static let coolwarm = ColorMap(uncheckedName: "coolwarm", table: ColorMapTables.coolwarm)

    /// Every built-in map, in the order `--help` lists them.
    public static let builtIn: [ColorMap] = [.gray, .viridis, .afmhot, .coolwarm]

    /// The built-in map called `name` (case-insensitive; `grey` and `hot` are accepted too).
    /// - Throws: `ImageError.invalidParameter` listing the known names.
    public static func named(_ name: String) throws -> ColorMap {
        switch name.lowercased() {
        case "gray", "grey": return .gray
        case "viridis": return .viridis
        case "afmhot", "hot": return .afmhot
        case "coolwarm", "diverging": return .coolwarm
        default:
            throw ImageError.invalidParameter(
                name: "colour map",
                reason: "unknown map '\(name)'; known: \(builtIn.map(\.name).joined(separator: ", "))")
        }
    }
}
