import AnchorGeometry
import AnchorImaging
import AnchorModels

/// Which of the anchor lattice's equivalent placements the model's object sites fit.
///
/// The anchors alone often have more symmetry than the model: a honeycomb's anchor sublattice
/// is triangular (6-fold), but its second site sits at (⅓, ⅓) and a 60° turn about an anchor
/// puts it on the empty hexagon centre. The anchor fit cannot tell these placements apart;
/// the image can — at the right one the object sites are bright (as `SiteLocator` expects
/// objects), at the wrong ones they fall on empty places.
enum MotifOrientation {
    /// Rotations about the cell origin (integer matrices on fractional coordinates, det +1,
    /// entries −1…1) that keep the lattice metric and map the anchors onto anchors but the
    /// object sites *not* onto object sites: the placements the anchors cannot tell apart
    /// from the identity and the objects can. Mirrors are left out (images are unmirrored).
    static func candidates(of lattice: LatticeModel) -> [(Int, Int, Int, Int)] {
        let a1 = lattice.a1, a2 = lattice.a2
        let g11 = a1.dot(a1), g12 = a1.dot(a2), g22 = a2.dot(a2)
        let tol = 1e-6 * max(g11, g22)
        func mapsOnto(_ role: SiteRole, _ m: (Double, Double, Double, Double)) -> Bool {
            lattice.sites.filter { $0.role == role }.allSatisfy { s in
                let u = m.0 * s.u + m.1 * s.v, v = m.2 * s.u + m.3 * s.v
                return lattice.sites.contains { t in
                    guard t.role == role else { return false }
                    let du = u - t.u, dv = v - t.v
                    return abs(du - du.rounded()) < 1e-3 && abs(dv - dv.rounded()) < 1e-3
                }
            }
        }
        var out: [(Int, Int, Int, Int)] = []
        let r = -1...1
        for a in r { for b in r { for c in r { for d in r {
            guard a * d - b * c == 1, !(a == 1 && b == 0 && c == 0 && d == 1) else { continue }
            let (fa, fb, fc, fd) = (Double(a), Double(b), Double(c), Double(d))
            let n11 = fa * (g11 * fa + g12 * fc) + fc * (g12 * fa + g22 * fc)
            let n12 = fa * (g11 * fb + g12 * fd) + fc * (g12 * fb + g22 * fd)
            let n22 = fb * (g11 * fb + g12 * fd) + fd * (g12 * fb + g22 * fd)
            guard abs(n11 - g11) < tol, abs(n12 - g12) < tol, abs(n22 - g22) < tol else { continue }
            let m = (fa, fb, fc, fd)
            if mapsOnto(.anchor, m) && !mapsOnto(.object, m) { out.append((a, b, c, d)) }
        }}}}
        return out
    }

    /// The model-space map (nm → nm) of the fractional matrix G: A·G·A⁻¹ with A = [a1 a2].
    static func modelMap(_ g: (Int, Int, Int, Int), lattice l: LatticeModel) -> Homography {
        let det = l.a1.cross(l.a2)
        // A⁻¹ rows: (a2.y, −a2.x)/det, (−a1.y, a1.x)/det.
        let ai = (l.a2.y / det, -l.a2.x / det, -l.a1.y / det, l.a1.x / det)
        let (ga, gb, gc, gd) = (Double(g.0), Double(g.1), Double(g.2), Double(g.3))
        // G·A⁻¹
        let m = (ga * ai.0 + gb * ai.2, ga * ai.1 + gb * ai.3, gc * ai.0 + gd * ai.2, gc * ai.1 + gd * ai.3)
        // A·(G·A⁻¹)
        return Homography(l.a1.x * m.0 + l.a2.x * m.2, l.a1.x * m.1 + l.a2.x * m.3, 0,
                          l.a1.y * m.0 + l.a2.y * m.2, l.a1.y * m.1 + l.a2.y * m.3, 0,
                          0, 0, 1)
    }

    /// The model-space rotation R to relabel the anchors with (model point m → R·m, so
    /// H becomes H·R⁻¹), or nil when the current placement is the best or no other is
    /// possible. The score of a placement is the mean of `image` at the object sites of the
    /// cells of `anchors` (model points of fitted anchors) as H·R⁻¹ puts them; another
    /// placement wins only by more than 0.25 standard deviations of those samples.
    static func choose(in image: Image, homography h: Homography, anchors: [Point2], lattice: LatticeModel) -> Homography? {
        let options = candidates(of: lattice)
        guard !options.isEmpty, !anchors.isEmpty else { return nil }
        let anchorSite = lattice.sites.first { $0.role == .anchor }!
        let anchorOffset = lattice.position(u: anchorSite.u, v: anchorSite.v)
        let objectOffsets = lattice.sites.filter { $0.role == .object }.map { lattice.position(u: $0.u, v: $0.v) }
        let step = max(1, anchors.count / 400)
        let cells = stride(from: 0, to: anchors.count, by: step).map { anchors[$0] - anchorOffset }
        func score(_ inverse: Homography) -> (mean: Double, values: [Double]) {
            var values: [Double] = []
            for c in cells {
                for o in objectOffsets {
                    if let v = image.sample(at: h.apply(inverse.apply(c + o))), v.isFinite { values.append(Double(v)) }
                }
            }
            return (values.isEmpty ? -.infinity : values.reduce(0, +) / Double(values.count), values)
        }
        let identity = score(.identity)
        guard identity.values.count >= 8 else { return nil }
        let mean = identity.mean
        let sd = (identity.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(identity.values.count)).squareRoot()
        var best: (score: Double, map: Homography)? = nil
        for g in options {
            let r = modelMap(g, lattice: lattice)
            guard let inverse = try? r.inverse() else { continue }
            let s = score(inverse).mean
            if s > (best?.score ?? identity.mean + 0.25 * max(sd, 1e-12)) { best = (s, r) }
        }
        return best?.map
    }
}
