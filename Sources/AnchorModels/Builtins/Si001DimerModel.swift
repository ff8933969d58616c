import AnchorGeometry

extension MaterialModel {
    /// Length of the Si(001) surface dimer bond, nm, at a = 0.384 nm (DFT, Ramstad, Brocks &
    /// Kelly, Phys. Rev. B 51, 14504 (1995)); it scales with `:a`.
    public static let si001DimerBond = 0.23

    /// Si(001)-(2×1): the rectangular cell a1 = (2a, 0), a2 = (0, a) nm with a = a0/√2 =
    /// 0.384 nm the surface spacing. The dimer centre "D" at (½, 0) is the anchor (in STM a
    /// dimer images as one bean-shaped bump centred there), the two dimer atoms "S1", "S2"
    /// at (½ ∓ d/(4a), 0) are objects, d = `si001DimerBond`·a/0.384 (the bond scales with a). Dimers point along x; the
    /// dimer rows run along y, 2a = 0.768 nm apart. Hamers, Tromp & Demuth, Phys. Rev. B 34,
    /// 5343 (1986).
    public static let si001_2x1 = MaterialModel(
        name: "si001-2x1", defaultA: 0.384, parameter: "1×1 surface spacing in nm (default 0.384)",
        summary: "Si(001)-(2×1) dimer rows: dimer centres as anchors, dimer atoms as objects, nm",
        reference: "R. J. Hamers, R. M. Tromp & J. E. Demuth, Phys. Rev. B 34, 5343 (1986); A. Ramstad et al., Phys. Rev. B 51, 14504 (1995)",
        contrastNotes: [
            .stm: "each dimer one bean-shaped bump (filled states) on rows 0.768 nm apart; the two atoms merge",
            .haadf: "the dimer atoms alone, as a free layer (plan-view STEM of a real crystal is dominated by the bulk columns)",
            .abf: "the dimer atoms alone, dark",
        ],
        siteSignal: ColumnSignal.tables(["S1": [14], "S2": [14]], stm: ["S1": 1, "S2": 1]),
        anchorContrast: .bright,
        lattice: { a in
            let half = si001DimerBond / (4 * 0.384)
            return LatticeModel(a1: Point2(2 * a, 0), a2: Point2(0, a), sites: [
                Site(name: "D", u: 0.5, v: 0, role: .anchor, kind: "dimer-centre"),
                Site(name: "S1", u: 0.5 - half, v: 0, role: .object, group: "dimer", index: 1, kind: "dimer-atom"),
                Site(name: "S2", u: 0.5 + half, v: 0, role: .object, group: "dimer", index: 2, kind: "dimer-atom"),
            ])
        })
}
