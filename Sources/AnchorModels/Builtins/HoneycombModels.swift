import AnchorGeometry

/// The honeycomb (two-site hexagonal) materials: graphene, graphite, hBN and the 2H
/// transition-metal dichalcogenides, all on a1 = (a, 0), a2 = (a/2, a·√3/2) nm with one
/// site at (u, v) = (0, 0) (the anchor) and one at (1/3, 1/3) (an object) — nearest
/// neighbours a/√3 apart in projection.
extension MaterialModel {
    static func hexagonal(_ a: Double, _ sites: [Site]) -> LatticeModel {
        LatticeModel(a1: Point2(a, 0), a2: Point2(a / 2, a * 3.0.squareRoot() / 2), sites: sites)
    }

    /// Graphene, a = 0.246 nm (C–C 0.142 nm): sublattices "A" (anchor) and "B" (object).
    /// Castro Neto et al., Rev. Mod. Phys. 81, 109 (2009).
    public static let graphene = MaterialModel(
        name: "graphene", defaultA: 0.246, parameter: "lattice constant in nm (default 0.246)",
        summary: "graphene honeycomb: sublattice A as anchors, B as objects, nm",
        reference: "A. H. Castro Neto et al., Rev. Mod. Phys. 81, 109 (2009); ADF-STEM: O. L. Krivanek et al., Nature 464, 571 (2010)",
        contrastNotes: [
            .stm: "both sublattices alike: the full honeycomb of bright atoms",
            .haadf: "every carbon column alike (one atom each), weak but uniform",
            .abf: "every carbon a dark dip of equal depth",
        ],
        siteSignal: ColumnSignal.tables(["A": [6], "B": [6]], stm: ["A": 1, "B": 1]),
        anchorContrast: .bright,
        lattice: { a in
            hexagonal(a, [Site(name: "A", u: 0, v: 0, role: .anchor, kind: "carbon"),
                          Site(name: "B", u: 1.0 / 3, v: 1.0 / 3, role: .object, kind: "carbon")])
        })

    /// The top layer of Bernal (AB) graphite, a = 0.246 nm: "beta" atoms (over a hollow of
    /// the layer below; the bright ones in STM) as anchors, "alpha" atoms (over an atom of
    /// the layer below) as objects. Tománek et al., Phys. Rev. B 35, 7790 (1987).
    public static let graphite = MaterialModel(
        name: "graphite", defaultA: 0.246, parameter: "lattice constant in nm (default 0.246)",
        summary: "graphite (0001) top layer: beta sites (bright in STM) as anchors, alpha sites as objects, nm",
        reference: "D. Tománek et al., Phys. Rev. B 35, 7790 (1987); G. Binnig et al., Europhys. Lett. 1, 31 (1986)",
        contrastNotes: [
            .stm: "one sublattice: the beta atoms bright on a triangular lattice of a = 0.246 nm, alpha atoms faint (often the hexagon centres appear instead at other biases)",
            .haadf: "plan view treated as the top layer alone: both sublattices alike (a real flake adds the stacking's columns)",
            .abf: "both sublattices alike, dark",
        ],
        siteSignal: ColumnSignal.tables(["beta": [6], "alpha": [6]], stm: ["beta": 1, "alpha": 0.25]),
        anchorContrast: .bright,
        lattice: { a in
            hexagonal(a, [Site(name: "beta", u: 0, v: 0, role: .anchor, kind: "beta-carbon"),
                          Site(name: "alpha", u: 1.0 / 3, v: 1.0 / 3, role: .object, kind: "alpha-carbon")])
        })

    /// Hexagonal boron nitride, a = 0.2504 nm: N as anchors, B as objects.
    /// Pease, Acta Cryst. 5, 356 (1952); ADF contrast Krivanek et al., Nature 464, 571 (2010).
    public static let hbn = MaterialModel(
        name: "hbn", defaultA: 0.2504, parameter: "lattice constant in nm (default 0.2504)",
        summary: "hexagonal BN monolayer: N as anchors, B as objects, nm",
        reference: "R. S. Pease, Acta Cryst. 5, 356 (1952); O. L. Krivanek et al., Nature 464, 571 (2010)",
        contrastNotes: [
            .stm: "N sites bright, B sites faint (hBN is insulating: on a metal STM mostly shows the moiré)",
            .haadf: "N (Z = 7) brighter than B (Z = 5), about 1 : 0.56 by Z^1.7",
            .abf: "both dark, N slightly deeper",
        ],
        siteSignal: ColumnSignal.tables(["N": [7], "B": [5]], stm: ["N": 1, "B": 0.3]),
        anchorContrast: .bright,
        lattice: { a in
            hexagonal(a, [Site(name: "N", u: 0, v: 0, role: .anchor, kind: "nitrogen"),
                          Site(name: "B", u: 1.0 / 3, v: 1.0 / 3, role: .object, kind: "boron")])
        })

    /// A 2H (1H monolayer) transition-metal dichalcogenide seen along c, MoS2 by default
    /// (a = 0.316 nm): metal columns "M" as anchors, chalcogen-pair columns "X2" (two S atoms
    /// stacked) as objects. `:a` gives MoSe2 (0.329), WS2 (0.315), WSe2 (0.328).
    /// Wilson & Yoffe, Adv. Phys. 18, 193 (1969); ADF-STEM Komsa et al., PRL 109, 035503 (2012).
    public static let mos2 = MaterialModel(
        name: "mos2", defaultA: 0.316,
        parameter: "lattice constant in nm (default 0.316 MoS2; MoSe2 0.329, WS2 0.315, WSe2 0.328)",
        summary: "2H-MoS2 (TMD) monolayer: metal columns as anchors, chalcogen pairs as objects, nm",
        reference: "J. A. Wilson & A. D. Yoffe, Adv. Phys. 18, 193 (1969); H.-P. Komsa et al., Phys. Rev. Lett. 109, 035503 (2012)",
        contrastNotes: [
            .stm: "the top chalcogen layer bright (a triangular lattice), metal sites faint",
            .haadf: "metal columns brightest; S2 columns about 0.39 of Mo by Z^1.7 (Se2 and W change the ratio; rendered for MoS2)",
            .abf: "both dark; the S2 column (two atoms) deeper than Mo",
        ],
        siteSignal: ColumnSignal.tables(["M": [42], "X2": [16, 16]], stm: ["X2": 1, "M": 0.3]),
        anchorContrast: .bright,
        lattice: { a in
            hexagonal(a, [Site(name: "M", u: 0, v: 0, role: .anchor, kind: "metal"),
                          Site(name: "X2", u: 1.0 / 3, v: 1.0 / 3, role: .object, kind: "chalcogen-pair")])
        })
}
