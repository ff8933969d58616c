import AnchorGeometry

extension MaterialModel {
    /// A cubic ABO3 perovskite seen along [001], SrTiO3 by default (a = 0.3905 nm), on the
    /// square a1 = (a, 0), a2 = (0, a) nm: the A column "A" (Sr) at (0, 0) as the anchor, the
    /// B–O column "B" (Ti + O) at the cell centre (½, ½) as an object — together a centred
    /// square — and the pure O columns "O1" (½, 0) and "O2" (0, ½) as objects.
    /// Abramov et al., Acta Cryst. B 51, 942 (1995); ABF Findlay et al., Ultramicroscopy
    /// 110, 903 (2010).
    public static let perovskite001 = MaterialModel(
        name: "perovskite-001", defaultA: 0.3905, parameter: "lattice constant in nm (default 0.3905, SrTiO3)",
        summary: "ABO3 perovskite along [001]: A columns as anchors, B-O and O columns as objects (centred square), nm",
        reference: "Yu. A. Abramov et al., Acta Cryst. B 51, 942 (1995); S. D. Findlay et al., Ultramicroscopy 110, 903 (2010)",
        contrastNotes: [
            .stm: "stand-in only (STM of SrTiO3(001) seldom resolves atoms): A and B sites bright as in HAADF",
            .haadf: "A (Sr) columns brightest, B-O (Ti-O) columns about half as bright, pure O columns almost invisible",
            .abf: "every column dark, the O columns visible too; B-O columns deepest",
        ],
        siteSignal: ColumnSignal.tables(["A": [38], "B": [22, 8], "O1": [8], "O2": [8]],
                                        stm: ["A": 1, "B": 0.5]),
        anchorContrast: .bright,
        lattice: { a in
            LatticeModel(a1: Point2(a, 0), a2: Point2(0, a), sites: [
                Site(name: "A", u: 0, v: 0, role: .anchor, kind: "A-cation"),
                Site(name: "B", u: 0.5, v: 0.5, role: .object, kind: "B-O"),
                Site(name: "O1", u: 0.5, v: 0, role: .object, kind: "oxygen"),
                Site(name: "O2", u: 0, v: 0.5, role: .object, kind: "oxygen"),
            ])
        })
}
