import RealModule
import AnchorGeometry
import AnchorImaging
import AnchorModels

/// Point defects of an atomic-resolution frame: every atomic column (or atom) of the model
/// that the frame shows — anchors and objects alike, the built-in materials' faint sites
/// (`MaterialModel.faintSites`) left out — is called present, vacant or substituted from its
/// brightness against the same site in the cells around it.
///
/// Method, per site name (A, B, O… are compared only with their own kind):
/// 1. Each site's value is the Gaussian-weighted mean of the levelled frame about its
///    predicted position (H and the registration's scan-line or smooth field,
///    `Registration.predictedImage`; `weightedMean`), σ_b = max(0.6, 0.2·d) px, d the
///    shortest distance between two shown sites in pixels: a matched filter for a column of
///    about that width (white noise drops by about 1/(2√π σ_b), a column's peak much less).
/// 2. Columns are compared only with their own site name.
/// 3. Its local reference is the median value of the same site name in the cells whose
///    origin lies within `neighbourhoodCells` cell lengths of its own (brightness that drifts
///    across a frame — thickness, tip, levelling residue — cancels); its score z is the
///    difference in robust standard deviations (1.4826 MAD) of those differences over the
///    frame's interior columns, per name. Edge columns (within 3σ_b of the border: their
///    window is cut, which biases the mean up by up to ~15 % on a narrow column) use the
///    spread of the edge columns' differences instead when it is larger (twice the interior
///    one with fewer than 8 edge columns).
/// 4. With r = (value − background) / (reference − background), the column's signal over its
///    local reference's: z ≤ −`threshold` and r ≤ 1 − `markedChange`: a **vacancy** when
///    r < ½ (the column is gone), else a **substitution** by a lighter species; z ≥
///    `threshold` and r ≥ 1 + `markedChange`: a **substitution** by a heavier (brighter)
///    species. Otherwise present.
/// 5. Spill: a substitution call whose excess r − 1 is less than half that of a
///    substitution call within 1.5 d is withdrawn (overlapping columns — STM tip blur on a
///    honeycomb — carry part of a brighter neighbour's signal).
/// 6. A site name whose median stands fewer than 2·`threshold` robust SDs above the
///    background (a vacancy could not reach −`threshold` with margin) is **unclassified**:
///    its columns are not called at all (`unclassifiedSites`).
///
/// The background is the 2nd percentile of the same weighted mean on a grid over the frame.
/// Only for models with bright anchors (atomic columns and atoms; not si111-7x7, whose dark
/// corner holes are no atoms — `SiteLocator` classifies its adatoms).
public struct PointDefectCensus: Sendable, Codable, Equatable {
    /// Present, vacant or substituted.
    public enum State: String, Sendable, Codable, Hashable {
        case present, vacancy, substitution
    }

    /// One classified column.
    public struct Column: Sendable, Codable, Equatable {
        /// Lattice cell (i, j) and site name in the model.
        public var cell: CellIndex
        public var site: String
        public var role: SiteRole
        /// Position in the model (model units) and where the registration puts it (pixels).
        public var model: Point2
        public var image: Point2
        /// Blurred frame value at `image` (the frame's value unit).
        public var value: Double
        /// Robust SDs from the local median of the same site name.
        public var score: Double
        public var state: State
        /// Within 3σ_b of the frame edge: its weighted mean is read on a cut window and its
        /// score uses the edge columns' own spread (step 3).
        public var edge: Bool
    }

    public var columns: [Column]
    /// Site names not classified: their contrast over the noise is too low (see step 5).
    public var unclassifiedSites: [String]
    /// |z| at which a column is called a defect.
    public var threshold: Double
    /// The weight's σ_b, pixels.
    public var blurSigma: Double

    public var vacancies: Int { columns.filter { $0.state == .vacancy }.count }
    public var substitutions: Int { columns.filter { $0.state == .substitution }.count }

    /// Least relative change of a column's signal over the background, against its local
    /// reference, for a defect call (0.2: a substituent at least 20 % brighter or darker).
    /// Significance alone is not enough on clean frames: columns at the frame edge, where the
    /// blur sees fewer pixels, reach |z| ≥ 4 with a 5 % change (measured on synthetic mos2).
    public static let markedChange = 0.2

    /// Cells around a site whose same-name columns form its local reference (cell lengths).
    public static let neighbourhoodCells = 2.5

    /// Classifies the shown sites of `model` in `image` (the levelled frame the registration
    /// was made on). Returns nil for models that are no lattice, have no bright anchors, or
    /// have no shown site in the frame.
    /// - Parameter threshold: |z| for a defect call (default 4: Gaussian noise alone calls
    ///   6·10⁻⁵ of the columns).
    public static func classify(_ image: Image, registration: Registration, model: AnchorModel,
                                threshold: Double = 4) throws -> PointDefectCensus? {
        guard let lattice = model.lattice, model.anchorContrast == .bright else { return nil }
        let faint = MaterialModel.faintSites(ofModelNamed: model.name)
        let shown = lattice.sites.filter { !faint.contains($0.name) }
        guard !shown.isEmpty else { return nil }
        let pxPerUnit = 1 / ((registration.pixelSize[0] + registration.pixelSize[1]) / 2)
        guard pxPerUnit.isFinite, pxPerUnit > 0 else { return nil }
        // Shortest distance between two shown sites (over neighbouring cells), model units.
        var shortest = Double.infinity
        for s in shown {
            for t in shown {
                for di in -1...1 {
                    for dj in -1...1 {
                        let r = (lattice.position(u: t.u + Double(di), v: t.v + Double(dj)) - lattice.position(u: s.u, v: s.v)).length
                        if r > 1e-9 { shortest = min(shortest, r) }
                    }
                }
            }
        }
        let blurSigma = max(0.6, 0.2 * shortest * pxPerUnit)

        // Sites inside the frame.
        let inv = try registration.homography.inverse()
        let w = Double(image.width - 1), h = Double(image.height - 1)
        let corners = [Point2(0, 0), Point2(w, 0), Point2(0, h), Point2(w, h)].map { inv.apply($0) }
        guard let bounds = ModelBounds(covering: corners) else {
            throw RegistrationError.fitFailed("H maps the image corners to infinity")
        }
        let ranges = try lattice.cellRanges(covering: bounds, margin: 1)
        var columns: [Column] = []
        for j in ranges.j {
            for i in ranges.i {
                let cell = CellIndex(i, j)
                for s in shown {
                    let m = lattice.position(of: s, in: cell)
                    let p = registration.predictedImage(ofModel: m)
                    guard p.isFinite, p.x >= 0, p.y >= 0, p.x <= w, p.y <= h,
                          let v = weightedMean(image, at: p, sigma: blurSigma) else { continue }
                    let cut = 3 * blurSigma
                    columns.append(Column(cell: cell, site: s.name, role: s.role, model: m, image: p,
                                          value: v, score: 0, state: .present,
                                          edge: p.x < cut || p.y < cut || p.x > w - cut || p.y > h - cut))
                }
            }
        }
        guard !columns.isEmpty else { return nil }
        // Background: the 2nd percentile of the same weighted mean on a grid of points
        // σ_b·4 apart (white noise averaged like the columns').
        var sample: [Double] = []
        let step = max(2, Int((4 * blurSigma).rounded()))
        for y in stride(from: 0, to: image.height, by: step) {
            for x in stride(from: 0, to: image.width, by: step) {
                if let v = weightedMean(image, at: Point2(Double(x), Double(y)), sigma: blurSigma) { sample.append(v) }
            }
        }
        sample.sort()
        let background = sample.isEmpty ? 0 : sample[Int(0.02 * Double(sample.count - 1))]

        // Local references: same-name medians over neighbouring cells.
        var byKey: [String: [CellIndex: Int]] = [:]
        for (k, c) in columns.enumerated() { byKey[c.site, default: [:]][c.cell] = k }
        let radius = neighbourhoodCells * max(lattice.a1.length, lattice.a2.length)
        let reach = Int((radius / min(lattice.a1.length, lattice.a2.length)).rounded(.up))
        var offsets: [(Int, Int)] = []
        for di in -reach...reach {
            for dj in -reach...reach where (lattice.a1 * Double(di) + lattice.a2 * Double(dj)).length <= radius {
                offsets.append((di, dj))
            }
        }
        var local = [Double](repeating: .nan, count: columns.count)
        var near: [Double] = []
        for (k, c) in columns.enumerated() {
            guard let members = byKey[c.site] else { continue }
            near.removeAll(keepingCapacity: true)
            for (di, dj) in offsets {
                if let o = members[CellIndex(c.cell.i + di, c.cell.j + dj)] { near.append(columns[o].value) }
            }
            if near.count >= 5 { local[k] = c.value - medianInPlace(&near) }
        }
        var unclassified: [String] = []
        var ratios = [Double](repeating: 1, count: columns.count)
        for s in shown {
            let idx = columns.indices.filter { columns[$0].site == s.name && local[$0].isFinite }
            guard idx.count >= 8 else {
                unclassified.append(s.name)
                for k in columns.indices where columns[k].site == s.name { columns[k].score = .nan }
                continue
            }
            let scale = robustScale(idx.filter { !columns[$0].edge }.map { local[$0] })
            let edgeIdx = idx.filter { columns[$0].edge }
            let edgeScale = max(scale, edgeIdx.count >= 8 ? robustScale(edgeIdx.map { local[$0] }) : 2 * scale)
            let level = median(idx.map { columns[$0].value })
            guard scale > 0, (level - background) / scale >= 2 * threshold else {
                unclassified.append(s.name)
                for k in columns.indices where columns[k].site == s.name { columns[k].score = .nan }
                continue
            }
            for k in columns.indices where columns[k].site == s.name {
                guard local[k].isFinite else { columns[k].score = .nan; continue }
                let z = local[k] / (columns[k].edge ? edgeScale : scale)
                columns[k].score = z
                let reference = columns[k].value - local[k]
                let ratio = (columns[k].value - background) / (reference - background)
                ratios[k] = ratio
                if z <= -threshold, ratio <= 1 - markedChange {
                    columns[k].state = ratio < 0.5 ? .vacancy : .substitution
                } else if z >= threshold, ratio >= 1 + markedChange {
                    columns[k].state = .substitution
                }
            }
        }
        // Spill: where columns overlap (STM tip blur on a honeycomb) a brighter atom raises
        // its neighbours' values too. A substitution call whose relative excess (r − 1) is
        // less than half a neighbouring call's is taken for that neighbour's spill and
        // withdrawn; two substituted neighbours have about equal excess and both stay.
        let substituted = columns.indices.filter { columns[$0].state == .substitution && columns[$0].score > 0 }
        if substituted.count > 1 {
            let tree = KDTree(substituted.map { columns[$0].image })
            let reach = 1.5 * shortest * pxPerUnit
            var excess: [Int: Double] = [:]
            for k in substituted { excess[k] = ratios[k] - 1 }
            var withdrawn: [Int] = []
            for (n, k) in substituted.enumerated() {
                let e = excess[k] ?? 0
                for m in tree.indices(within: reach, of: columns[k].image) where m != n {
                    if (excess[substituted[m]] ?? 0) >= 2 * e { withdrawn.append(k); break }
                }
            }
            for k in withdrawn { columns[k].state = .present }
        }
        // Unclassified names are not reported as columns.
        let dropped = Set(unclassified)
        columns.removeAll { dropped.contains($0.site) || !$0.score.isFinite }
        return PointDefectCensus(columns: columns, unclassifiedSites: unclassified, threshold: threshold, blurSigma: blurSigma)
    }

    /// Gaussian-weighted mean of `image` around `p` (pixels, sub-pixel), σ `sigma` px, over
    /// the finite pixels within 3σ inside the frame, the weights normalised over those: a
    /// column cut by the frame edge is read from the pixels it has, not from padding (a
    /// replicated border adds a mirrored half column and made edge columns look 20 % brighter).
    /// nil when no pixel is in reach.
    static func weightedMean(_ image: Image, at p: Point2, sigma: Double) -> Double? {
        let r = 3 * sigma
        let x0 = max(0, Int((p.x - r).rounded(.up))), x1 = min(image.width - 1, Int((p.x + r).rounded(.down)))
        let y0 = max(0, Int((p.y - r).rounded(.up))), y1 = min(image.height - 1, Int((p.y + r).rounded(.down)))
        guard x0 <= x1, y0 <= y1 else { return nil }
        let inv = 1 / (2 * sigma * sigma)
        var sw = 0.0, swv = 0.0
        image.pixels.withUnsafeBufferPointer { px in
            for y in y0...y1 {
                let dy = Double(y) - p.y
                let row = y * image.width
                for x in x0...x1 {
                    let v = px[row + x]
                    guard v.isFinite else { continue }
                    let dx = Double(x) - p.x
                    let d2 = dx * dx + dy * dy
                    guard d2 <= r * r else { continue }
                    let wgt = Double.exp(-d2 * inv)
                    sw += wgt
                    swv += wgt * Double(v)
                }
            }
        }
        return sw > 0 ? swv / sw : nil
    }
}
