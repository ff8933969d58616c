import AnchorGeometry

extension BuiltinModels {
    /// The Si(111)-(7×7) 1×1 surface spacing a = a₀/√2 with a₀ = 5.431 Å, in nm.
    public static let si111SurfaceSpacing = 0.3840
    /// The 7×7 lattice constant 7a = 2.688 nm.
    public static let si111CellConstant = 2.688

    /// Si(111)-(7×7) after the DAS model (Takayanagi et al., Surf. Sci. 164, 367 (1985);
    /// numbers in shared/reference/si111-7x7.md), in nm.
    ///
    /// - Lattice: a1 = (2.688, 0), a2 = (1.344, 2.328) nm, 60° apart, in the model frame
    ///   (x right, y down as seen from above — a2 points down-right on screen).
    /// - Anchor: the corner hole "CH" at the cell origin (one per cell; dark in images),
    ///   so L = 2.688 nm.
    /// - Objects: the 12 adatoms, 6 per triangular half. Half "A" is the triangle
    ///   (0, a1, a2), half "B" the triangle (a1, a1 + a2, a2). Which half is the faulted one
    ///   is *not* part of the model: lateral positions cannot tell, so the pipeline decides
    ///   per frame from the image (the faulted half is brighter in filled states).
    /// - Numbering 1–6 (the paper's Fig. 6b order, whose figure we do not have, made
    ///   explicit): in half A, 1 is the corner adatom next to the cell origin (u, v) =
    ///   (1/7, 1/7), and the numbers run round the half's triangle in the sense from a1 to a2
    ///   (clockwise on screen): 1 corner (1,1)/7, 2 centre (3,1)/7, 3 corner (5,1)/7,
    ///   4 centre (3,3)/7, 5 corner (1,5)/7, 6 centre (1,3)/7. Odd numbers are corner adatoms,
    ///   even numbers centre adatoms. Half B is the point inversion of half A through the
    ///   cell centre, (u, v) → (1 − u, 1 − v), and site B*k* is the image of A*k*: 1 corner
    ///   (6,6)/7 next to the vertex a1 + a2, 2 (4,6)/7, 3 (2,6)/7, 4 (4,4)/7, 5 (6,2)/7,
    ///   6 (6,4)/7. The inversion is a 180° rotation, so both halves run in the same sense and
    ///   a 6-bit code of one half compares directly with the other's.
    public static func si111_7x7() -> AnchorModel {
        let sevenths: [(Int, Int, String)] = [
            (1, 1, "corner-adatom"), (3, 1, "centre-adatom"), (5, 1, "corner-adatom"),
            (3, 3, "centre-adatom"), (1, 5, "corner-adatom"), (1, 3, "centre-adatom"),
        ]
        var sites = [Site(name: "CH", u: 0, v: 0, role: .anchor, kind: "corner-hole")]
        for (k, s) in sevenths.enumerated() {
            sites.append(Site(name: "A\(k + 1)", u: Double(s.0) / 7, v: Double(s.1) / 7,
                              role: .object, group: "A", index: k + 1, kind: s.2))
        }
        for (k, s) in sevenths.enumerated() {
            sites.append(Site(name: "B\(k + 1)", u: Double(7 - s.0) / 7, v: Double(7 - s.1) / 7,
                              role: .object, group: "B", index: k + 1, kind: s.2))
        }
        let c = si111CellConstant
        let lattice = LatticeModel(a1: Point2(c, 0), a2: Point2(c / 2, c * 3.0.squareRoot() / 2), sites: sites)
        // Fixed, valid content: cannot fail validation.
        return try! AnchorModel(
            name: "si111-7x7",
            summary: "Si(111)-(7×7) DAS model: corner holes as anchors (a = 2.688 nm), 12 adatoms as objects",
            unit: .nanometre, geometry: .lattice(lattice), defaultExtractor: "dark-keypoints", anchorContrast: .dark)
    }
}
