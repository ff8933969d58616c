import AnchorGeometry

/// A built-in crystal or surface model of a real material: its lattice, sites and roles as a
/// function of the lattice constant `a` (nm), the contrast each site shows in STM and STEM,
/// and where the numbers come from. `BuiltinModels.named("graphene:0.247")` builds one.
///
/// **Frame.** Model coordinates in nm, x right and y down as seen from above (the frame of
/// every `AnchorModel`); hexagonal cells use a1 = (a, 0), a2 = (a/2, a·√3/2).
public struct MaterialModel: Sendable {
    /// Name on the command line, e.g. "graphene".
    public var name: String
    /// Default lattice constant, nm (what `name` without `:a` uses).
    public var defaultA: Double
    /// What `a` is, e.g. "nearest-neighbour distance in nm (default 0.2884, Au)".
    public var parameter: String
    /// One line for `models list`.
    public var summary: String
    /// Literature reference for the geometry and the numbers.
    public var reference: String
    /// What the structure shows in each imaging mode (one sentence each).
    public var contrastNotes: [ImagingContrast: String]
    /// Relative signal of each site (by site name) in each mode, brightest |value| = 1:
    /// positive = bright peak, negative = dark dip, 0 = not visible. These are what
    /// `synth lattice` renders; see `contrastNotes` for where they come from.
    public var siteSignal: [ImagingContrast: [String: Double]]
    /// Which mode the anchors' contrast (dark/bright) is taken from for the extractor hint.
    public var anchorContrast: AnchorContrast
    /// Builds the lattice for lattice constant `a` (nm, already checked).
    let lattice: @Sendable (Double) -> LatticeModel

    /// Smallest and largest `a` accepted, nm: atomic lattices lie between 0.1 and 2 nm, so a
    /// value outside [0.01, 10] is a unit mistake (Å or pm given as nm).
    public static let aRange: ClosedRange<Double> = 0.01...10

    /// The model for lattice constant `a` nm.
    /// - Throws: `ModelError.invalidParameter` when `a` is not finite or outside `aRange`.
    public func model(a: Double? = nil) throws -> AnchorModel {
        let value = a ?? defaultA
        guard value.isFinite, value > 0 else {
            throw ModelError.invalidParameter(model: name, parameter: "\(value)", reason: "expected a positive number")
        }
        guard Self.aRange.contains(value) else {
            throw ModelError.invalidParameter(
                model: name, parameter: "\(value)",
                reason: "lattice constant in nm must lie in 0.01–10 (was it given in Å or pm?)")
        }
        let shown = a == nil ? name : "\(name):\(value)"
        // Fixed geometry with a checked positive finite a: validation cannot fail.
        return try! AnchorModel(
            name: shown, summary: "\(summary) (a = \(value) nm)", unit: .nanometre,
            geometry: .lattice(lattice(value)), defaultExtractor: "dark-keypoints", anchorContrast: anchorContrast)
    }

    /// Signal of the site called `site` in `contrast` (0 for a site the table omits).
    public func signal(of site: String, in contrast: ImagingContrast) -> Double {
        siteSignal[contrast]?[site] ?? 0
    }

    /// Every material model, in listing order.
    public static let all: [MaterialModel] = [graphene, graphite, hbn, mos2, perovskite001, perovskite110, fcc111, si001_2x1]

    /// The material model called `name`, if any.
    public static func named(_ name: String) -> MaterialModel? { all.first { $0.name == name } }
}
