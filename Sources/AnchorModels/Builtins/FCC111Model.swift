import AnchorGeometry

extension MaterialModel {
    /// A close-packed fcc(111) surface, one atom "M" per hexagonal cell, a = the
    /// nearest-neighbour distance a0/√2: Au 0.2884 nm by default; Ag 0.2889, Cu 0.2556,
    /// Pt 0.2775 with `:a`. Lattice constants a0 from Davey, Phys. Rev. 25, 753 (1925).
    public static let fcc111 = MaterialModel(
        name: "fcc111", defaultA: 0.2884,
        parameter: "nearest-neighbour distance in nm (default 0.2884 Au; Ag 0.2889, Cu 0.2556, Pt 0.2775)",
        summary: "fcc(111) close-packed surface: one atom per cell as anchor, nm",
        reference: "W. P. Davey, Phys. Rev. 25, 753 (1925); STM: J. V. Barth et al., Phys. Rev. B 42, 9307 (1990)",
        contrastNotes: [
            .stm: "every surface atom a bright bump (Au(111) adds the 22×√3 herringbone, not modelled)",
            .haadf: "every column alike and bright",
            .abf: "every column alike and dark",
        ],
        siteSignal: ColumnSignal.tables(["M": [79]], stm: ["M": 1]),
        anchorContrast: .bright,
        lattice: { a in hexagonal(a, [Site(name: "M", u: 0, v: 0, role: .anchor, kind: "metal")]) })
}
