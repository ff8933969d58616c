import AnchorGeometry

extension MaterialModel {
    /// A cubic ABO3 perovskite seen along [110], SrTiO3 by default (a = 0.3905 nm), on the
    /// rectangle a1 = (a, 0) along [001] and a2 = (0, a/√2) along [1-10], nm. Projected down
    /// [110] the A cation shares its column with oxygen (A–O, "A", the anchor, at (0, 0)), the
    /// B cation has a column of its own ("B", at (½, 0): half a cell along [001]) and the
    /// remaining oxygen forms pure O columns ("O", at (½, ½)). Sites follow from the cubic
    /// cell (A at 0, B at (½, ½, ½)a, O at the face centres) projected along [110].
    /// Abramov et al., Acta Cryst. B 51, 942 (1995); [110] HAADF of SrTiO3: e.g.
    /// Jia et al., Science 299, 870 (2003) for the projected column layout.
    public static let perovskite110 = MaterialModel(
        name: "perovskite-110", defaultA: 0.3905, parameter: "cubic lattice constant in nm (default 0.3905, SrTiO3)",
        summary: "ABO3 perovskite along [110]: A-O columns as anchors, B and O columns as objects (a × a/√2 rectangle), nm",
        reference: "Yu. A. Abramov et al., Acta Cryst. B 51, 942 (1995); C. L. Jia et al., Science 299, 870 (2003)",
        contrastNotes: [
            .stm: "stand-in only (STM of SrTiO3(110) shows surface reconstructions): A and B sites bright as in HAADF",
            .haadf: "A-O (Sr-O) columns brightest, B (Ti) columns about a third as bright between them along [001], pure O columns almost invisible",
            .abf: "every column dark, the pure O columns visible too",
        ],
        siteSignal: ColumnSignal.tables(["A": [38, 8], "B": [22], "O": [8]],
                                        stm: ["A": 1, "B": 0.5]),
        anchorContrast: .bright,
        lattice: { a in
            LatticeModel(a1: Point2(a, 0), a2: Point2(0, a / 2.0.squareRoot()), sites: [
                Site(name: "A", u: 0, v: 0, role: .anchor, kind: "A-O"),
                Site(name: "B", u: 0.5, v: 0, role: .object, kind: "B-cation"),
                Site(name: "O", u: 0.5, v: 0.5, role: .object, kind: "oxygen"),
            ])
        })
}
