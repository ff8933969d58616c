import AnchorGeometry
import AnchorImaging
import AnchorModels

/// Finds further lattice domains after the main fit: regions whose lattice has the same
/// orientation and scale (the same H and scan-line offsets — the scanner distorts the whole
/// frame alike) but is shifted by a fraction of a cell.
///
/// Why: on Si(111)-7×7 the 7×7 reconstruction of the terrace below a step is in general not in
/// registry with the terrace above: across the step the corner-hole lattice jumps by a fraction
/// of a cell (and domain boundaries on one terrace do the same). One H then fits one terrace
/// and calls the other's corner holes outliers. A microscopist wants both: the candidates
/// left unexplained by the fitted domains are folded into one model cell through H⁻¹; a
/// domain shows up as a sharp cluster there (a random point falls anywhere). The cluster's
/// position is the domain's shift; its anchors are paired with H(P_m + shift) + d(x, y), and
/// the shift is refined by least squares on the inliers.
///
/// Limit: where a domain fills whole scan lines, its shift cannot be told from a scan-line
/// offset, and the scan-line field of the main fit takes it up; a domain is seen where it
/// shares scan lines with the main one (a step crossing the lines).
struct LatticeDomainSearch {
    struct Domain {
        var shift: Point2
        var shiftCells: Point2
        var pairs: [(model: Point2, image: Point2)]
        var residuals: [Double]
        var inliers: [Bool]
    }

    /// - Parameters:
    ///   - fit: the main domain's fit (domain 0).
    ///   - candidates: all extracted anchor candidates (image pixels).
    ///   - maxDomains: the largest number of domains besides domain 0.
    ///   - within: when given, only points inside this region (one terrace) are searched and
    ///     paired, and the domain is returned even when its shift is domain 0's (the terrace is
    ///     then in registry with the main one).
    static func find(after fit: ScanLineFit, model: AnchorModel, candidates: [Point2], smoothed: Image,
                     anchorL: Double, dark: Bool, threshold: Double, maxDomains: Int = 2,
                     within: ((Point2) -> Bool)? = nil) -> [Domain] {
        guard let lattice = model.lattice, let inverse = try? fit.homography.inverse(),
              let origin = fit.pairs.first?.model else { return [] }
        let m1 = lattice.a1, m2 = lattice.a2
        let det = m1.cross(m2)
        var claimed = fit.pairs.indices.filter { fit.inliers[$0] }.map { fit.pairs[$0].image }
        var domains: [Domain] = []
        // A domain must hold at least 5 % of the frame's anchors: a smaller coherent patch of
        // shifted anchors (at the frame edge, where the fast scan turns) cannot be told from
        // distortion the scan-line field does not model.
        // Within a terrace already found from the topography the region is given; a dozen
        // anchors then suffice to place its lattice.
        let minimumCount = within != nil ? 12 : max(12, Int(0.05 * Double(fit.inView)))
        for _ in 0..<maxDomains {
            let claimedTree = KDTree(claimed)
            // Unexplained: the main fit's outliers (located by the motif, so precise) and the
            // candidates no domain has claimed.
            let outliers = fit.pairs.indices.filter { !fit.inliers[$0] }.map { fit.pairs[$0].image }
            // In a given terrace the motif finds its anchors whatever their shift: search half
            // a cell around every site the main lattice predicts there.
            var motifPoints: [Point2] = []
            if let within, let motif = fit.motif {
                let inView = LatticeRegistrar.anchorsInView(model: model, transform: fit.homography, width: smoothed.width,
                                                            height: smoothed.height, margin: 0.25 * anchorL)
                for m in inView {
                    let p = fit.predict(m)
                    guard within(p), let hit = motif.match(in: smoothed, near: p, searchRadius: 0.55 * anchorL),
                          hit.score >= ScanLineFit.minimumMotifScore else { continue }
                    motifPoints.append(hit.position)
                }
            }
            let free = (outliers + candidates + motifPoints).filter {
                (within?($0) ?? true) && claimedTree.nearest(to: $0, maxDistance: 0.3 * anchorL) == nil
            }
            guard free.count >= minimumCount else { break }
            // Fold the free candidates into one cell (fractional lattice coordinates).
            let fractions: [Point2] = free.compactMap { c in
                let u = inverse.apply(c - fit.field.displacement(at: c)) - origin
                guard u.isFinite else { return nil }
                let s = u.cross(m2) / det, t = m1.cross(u) / det
                return Point2(s - s.rounded(.down), t - t.rounded(.down))
            }
            // Points at a known domain's sites are that domain's scatter, not a new domain.
            let pxPerUnit = fit.homography.apply(origin + m1).distance(to: fit.homography.apply(origin)) / m1.length
            let known = [Point2.zero] + domains.map(\.shift)
            let distinct = { (v: Point2) in
                let d = minimumImageShift(v, m1: m1, m2: m2)
                return d > 0.1 * m1.length && d * pxPerUnit > 2 * threshold
            }
            let unexplained = within != nil ? fractions : fractions.filter { f in known.allSatisfy { distinct(m1 * f.x + m2 * f.y - $0) } }
            guard let peak = clusterPeak(unexplained), peak.count >= minimumCount else { break }
            var cells = Point2(wrap(peak.centre.x), wrap(peak.centre.y))
            var shift = m1 * cells.x + m2 * cells.y
            // A shift below a tenth of the cell or two inlier thresholds is residual scatter.
            guard within != nil || known.allSatisfy({ distinct($0 - shift) }) else { break }
            var domain: Domain? = nil
            let freeTree = KDTree(free)
            for _ in 0..<4 {
                let placed = fit.homography * Homography(1, 0, shift.x, 0, 1, shift.y, 0, 0, 1)
                let inView = LatticeRegistrar.anchorsInView(model: model, transform: placed, width: smoothed.width,
                                                            height: smoothed.height, margin: 0.25 * anchorL)
                var pairs: [(model: Point2, image: Point2)] = []
                let capture = 0.25 * anchorL
                for m in inView {
                    let p = fit.predict(m, shift: shift)
                    // A site already explained by another domain is not this domain's.
                    guard p.isFinite, within?(p) ?? true, claimedTree.nearest(to: p, maxDistance: 0.3 * anchorL) == nil else { continue }
                    if let motif = fit.motif {
                        if let hit = motif.match(in: smoothed, near: p, searchRadius: capture), hit.score >= ScanLineFit.minimumMotifScore {
                            pairs.append((m, hit.position))
                        }
                        continue
                    }
                    guard let hit = freeTree.nearest(to: p, maxDistance: capture) else { continue }
                    var q = free[hit.index]
                    if let refined = LocalPeakSearch.refine(in: smoothed, near: q, radius: 0.15 * anchorL, dark: dark),
                       refined.position.distance(to: p) <= capture {
                        q = refined.position
                    }
                    pairs.append((m, q))
                }
                var residuals = pairs.map { $0.image.distance(to: fit.predict($0.model, shift: shift)) }
                var inliers = residuals.map { $0 <= threshold }
                // A domain is a contiguous region: keep the inliers with at least two inlier
                // neighbours, and the outliers surrounded by such inliers (sites of this domain
                // where the anchor did not fit); a lone match elsewhere is chance.
                for _ in 0..<2 {
                    let tree = KDTree(pairs.indices.filter { inliers[$0] }.map { pairs[$0].image })
                    inliers = pairs.indices.map { i in
                        inliers[i] && tree.count(within: 1.6 * anchorL, of: pairs[i].image) >= 3
                    }
                }
                let core = KDTree(pairs.indices.filter { inliers[$0] }.map { pairs[$0].image })
                let keep = pairs.indices.filter { inliers[$0] || core.count(within: 1.6 * anchorL, of: pairs[$0].image) >= 3 }
                pairs = keep.map { pairs[$0] }
                residuals = keep.map { residuals[$0] }
                inliers = keep.map { inliers[$0] }
                domain = Domain(shift: shift, shiftCells: cells, pairs: pairs, residuals: residuals, inliers: inliers)
                // Refine the shift: mean model-space misfit of the inliers.
                var sum = Point2.zero, n = 0.0
                for (i, pair) in pairs.enumerated() where residuals[i] <= 2 * threshold {
                    let u = inverse.apply(pair.image - fit.field.displacement(at: pair.image))
                    if u.isFinite { sum += u - (pair.model + shift); n += 1 }
                }
                guard n > 0 else { break }
                let step = sum * (1 / n)
                shift += step
                cells = Point2(shift.cross(m2) / det, m1.cross(shift) / det)
                if step.length * pxPerUnit < 0.01 { break }
            }
            // A domain is a region where this shifted lattice explains most anchors; a cluster
            // of stray points explains few of the sites it predicts.
            guard let found = domain, found.inliers.filter({ $0 }).count >= minimumCount,
                  2 * found.inliers.filter({ $0 }).count >= found.pairs.count,
                  within != nil || known.allSatisfy({ distinct($0 - found.shift) }) else { break }
            domains.append(found)
            claimed += found.pairs.indices.filter { found.inliers[$0] }.map { found.pairs[$0].image }
        }
        return domains
    }

    /// Densest spot of points on the unit torus: a 24×24 histogram summed over 3×3 bins, then
    /// the circular mean of the points within 0.1 of the best bin.
    static func clusterPeak(_ points: [Point2]) -> (centre: Point2, count: Int)? {
        let n = 24
        var hist = [Int](repeating: 0, count: n * n)
        for p in points {
            let i = min(n - 1, Int(p.x * Double(n))), j = min(n - 1, Int(p.y * Double(n)))
            hist[j * n + i] += 1
        }
        var best = (i: 0, j: 0, sum: -1)
        for j in 0..<n {
            for i in 0..<n {
                var s = 0
                for dj in -1...1 { for di in -1...1 { s += hist[((j + dj + n) % n) * n + (i + di + n) % n] } }
                if s > best.sum { best = (i, j, s) }
            }
        }
        guard best.sum > 0 else { return nil }
        let c = Point2((Double(best.i) + 0.5) / Double(n), (Double(best.j) + 0.5) / Double(n))
        var sum = Point2.zero, count = 0
        for p in points {
            let d = Point2(wrap(p.x - c.x), wrap(p.y - c.y))
            if abs(d.x) <= 0.1 && abs(d.y) <= 0.1 { sum += d; count += 1 }
        }
        guard count > 0 else { return nil }
        let m = c + sum * (1 / Double(count))
        return (Point2(m.x - m.x.rounded(.down), m.y - m.y.rounded(.down)), count)
    }

    /// x wrapped into −0.5…0.5.
    static func wrap(_ x: Double) -> Double { x - x.rounded() }

    /// Length (model units) of the shortest lattice-equivalent of `v`.
    static func minimumImageShift(_ v: Point2, m1: Point2, m2: Point2) -> Double {
        var best = Double.infinity
        for i in -1...1 {
            for j in -1...1 {
                let s = v.cross(m2) / m1.cross(m2), t = m1.cross(v) / m1.cross(m2)
                let w = m1 * (wrap(s) + Double(i)) + m2 * (wrap(t) + Double(j))
                best = min(best, w.length)
            }
        }
        return best
    }
}

