import AnchorGeometry

/// The models that ship with AnchorReg, addressed as `name` or `name:parameter`
/// (e.g. `square:40` for a 40 µm square, `hex-lattice:0.246` for a 0.246 nm hexagonal
/// lattice, `mos2:0.315` for WS2). The materials (graphene … si001-2x1) are `MaterialModel`s.
public enum BuiltinModels {
    /// One entry of the catalogue.
    public struct Entry: Sendable, Hashable {
        public var name: String
        /// What the parameter means and its default ("" when there is none).
        public var parameter: String
        public var summary: String
    }

    /// Every built-in, in listing order.
    public static let catalog: [Entry] = [
        Entry(name: "square", parameter: "side in µm (default 40)",
              summary: "square: 4 corners + centre as anchors, µm (optical device alignment, Fig. 4)"),
        Entry(name: "device4", parameter: "side of the active square in µm (default 40)",
              summary: "four-terminal square device: square anchors + regions T1–T4 and active area, µm"),
        Entry(name: "square-lattice", parameter: "spacing in nm (default 1)",
              summary: "square lattice, one anchor per cell, nm"),
        Entry(name: "hex-lattice", parameter: "spacing in nm (default 1)",
              summary: "hexagonal lattice (60° cell), one anchor per cell, nm"),
        Entry(name: "si111-7x7", parameter: "",
              summary: "Si(111)-(7×7): corner holes as anchors (2.688 nm), 12 adatoms as objects, nm"),
    ] + MaterialModel.all.map { Entry(name: $0.name, parameter: $0.parameter, summary: $0.summary) }

    /// Names of every built-in.
    public static var names: [String] { catalog.map(\.name) }

    /// The built-in called `spec` (`name` or `name:parameter`).
    /// - Throws: `ModelError.unknownModel` for an unknown name, `.invalidParameter` for a
    ///   parameter that is not a positive finite number or is given to a model without one.
    public static func named(_ spec: String) throws -> AnchorModel {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let param = parts.count > 1 ? String(parts[1]) : nil
        func number(default d: Double) throws -> Double {
            guard let param else { return d }
            // 1e9 model units (1 km in µm) bounds every derived length far from overflow.
            guard let v = Double(param), v.isFinite, v > 0 else {
                throw ModelError.invalidParameter(model: name, parameter: param,
                                                  reason: "expected a positive number")
            }
            guard v <= 1e9 else {
                throw ModelError.invalidParameter(model: name, parameter: param, reason: "expected at most 1e9")
            }
            return v
        }
        switch name {
        case "square": return square(side: try number(default: 40))
        case "device4": return fourTerminalDevice(side: try number(default: 40))
        case "square-lattice": return squareLattice(spacing: try number(default: 1))
        case "hex-lattice": return hexLattice(spacing: try number(default: 1))
        case "si111-7x7":
            if let param {
                throw ModelError.invalidParameter(model: name, parameter: param, reason: "this model takes no parameter")
            }
            return si111_7x7()
        default:
            if let material = MaterialModel.named(name) {
                // The material's own range check (0.01–10 nm) after the common one.
                return try material.model(a: try param.map { _ in try number(default: material.defaultA) })
            }
            throw ModelError.unknownModel(name: name, available: names)
        }
    }

    /// A square of side `side` µm with corners (0, 0), (s, 0), (s, s), (0, s) (clockwise on
    /// screen, y down) and the centre (s/2, s/2), all anchors; L = s/√2.
    /// - Precondition: `side` > 0 and finite (checked by `named(_:)`).
    public static func square(side: Double) -> AnchorModel {
        try! AnchorModel(
            name: "square:\(format(side))",
            summary: "square of side \(format(side)) µm: 4 corners + centre as anchors",
            unit: .micrometre, geometry: .shape(ShapeModel(points: squarePoints(side: side))),
            defaultExtractor: "rectangle", anchorContrast: .edge)
    }

    /// A four-terminal square device (the memristor of the paper's Fig. 4): the active
    /// square of side `side` µm (anchors as in `square(side:)`), and regions "active" (the
    /// square) and electrodes "T1" (top), "T2" (right), "T3" (bottom), "T4" (left): strips
    /// 0.25·side wide and 0.6·side long that touch the middle of each side from outside.
    ///
    /// `electrodeReach` (fraction of the side, default 0) moves each electrode's inner end:
    /// negative values stop it short of the square by that much, positive values let it
    /// overlap the square (metal over the film, hiding it). Their outer ends stay 0.6·side
    /// outside the square. Only the default is the built-in `device4:side`.
    public static func fourTerminalDevice(side s: Double, electrodeReach reach: Double = 0) -> AnchorModel {
        let w = 0.125 * s, m = s / 2
        let r = reach * s
        func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Point2] {
            [Point2(x0, y0), Point2(x1, y0), Point2(x1, y1), Point2(x0, y1)]
        }
        let regions = [
            NamedRegion(name: "active", polygon: rect(0, 0, s, s)),
            NamedRegion(name: "T1", polygon: rect(m - w, -0.6 * s, m + w, r)),
            NamedRegion(name: "T2", polygon: rect(s - r, m - w, s + 0.6 * s, m + w)),
            NamedRegion(name: "T3", polygon: rect(m - w, s - r, m + w, s + 0.6 * s)),
            NamedRegion(name: "T4", polygon: rect(-0.6 * s, m - w, r, m + w)),
        ]
        let reachText = r == 0 ? "" : (r < 0 ? ", stopping \(format(-reach)) side short" : ", overlapping it by \(format(reach)) side")
        return try! AnchorModel(
            name: r == 0 ? "device4:\(format(s))" : "device4:\(format(s))-reach\(format(reach))",
            summary: "four-terminal device, active square \(format(s)) µm, electrodes T1–T4\(reachText)",
            unit: .micrometre, geometry: .shape(ShapeModel(points: squarePoints(side: s))),
            regions: regions, defaultExtractor: "rectangle", anchorContrast: .edge)
    }

    /// A square lattice of spacing `spacing` nm, one anchor per cell; L = spacing.
    public static func squareLattice(spacing a: Double) -> AnchorModel {
        try! AnchorModel(
            name: "square-lattice:\(format(a))",
            summary: "square lattice, spacing \(format(a)) nm",
            unit: .nanometre,
            geometry: .lattice(LatticeModel(a1: Point2(a, 0), a2: Point2(0, a),
                                            sites: [Site(name: "P", u: 0, v: 0, role: .anchor)])),
            defaultExtractor: "blobs")
    }

    /// A hexagonal lattice of spacing `spacing` nm (a1 = (a, 0), a2 = (a/2, a·√3/2)), one
    /// anchor per cell; L = spacing.
    public static func hexLattice(spacing a: Double) -> AnchorModel {
        try! AnchorModel(
            name: "hex-lattice:\(format(a))",
            summary: "hexagonal lattice, spacing \(format(a)) nm",
            unit: .nanometre,
            geometry: .lattice(LatticeModel(a1: Point2(a, 0), a2: Point2(a / 2, a * 3.0.squareRoot() / 2),
                                            sites: [Site(name: "P", u: 0, v: 0, role: .anchor)])),
            defaultExtractor: "blobs")
    }

    private static func squarePoints(side s: Double) -> [ShapePoint] {
        [
            ShapePoint(name: "C1", position: Point2(0, 0), kind: "corner"),
            ShapePoint(name: "C2", position: Point2(s, 0), kind: "corner"),
            ShapePoint(name: "C3", position: Point2(s, s), kind: "corner"),
            ShapePoint(name: "C4", position: Point2(0, s), kind: "corner"),
            ShapePoint(name: "centre", position: Point2(s / 2, s / 2), kind: "centre"),
        ]
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e12 ? String(Int(v)) : String(v)
    }
}
