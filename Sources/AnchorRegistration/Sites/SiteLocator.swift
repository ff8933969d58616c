import RealModule
import AnchorGeometry
import AnchorImaging
import AnchorModels

/// One object site of the model found in the image (an adatom of Si(111)-7×7, Fig. 6a).
public struct LocatedSite: Sendable, Codable, Equatable {
    /// Lattice cell (i, j): the cell whose origin is i·a1 + j·a2.
    public var cell: CellIndex
    /// The site's group in the model (the triangular half "A" or "B" for Si(111)-7×7).
    public var group: String?
    /// "faulted" / "unfaulted" when the frame's halves were decided, else `nil`.
    public var half: String?
    /// Number of the site within its group (1…6 for Si(111)-7×7 halves).
    public var index: Int?
    public var name: String
    public var kind: String?
    /// Ideal position, model units.
    public var model: Point2
    /// Position in the image after local refinement, pixels.
    public var image: Point2
    /// Where H, corrected by the anchors' residuals in the same band of scan lines, puts it
    /// (pixels).
    public var predicted: Point2
    /// Smoothed intensity at the site.
    public var value: Double
    /// Intensity relative to the same site in other cells, in robust standard deviations.
    public var score: Double
    /// Present (an atom is there) or a defect (vacancy or a dark species).
    public var present: Bool
    /// The site lies within its neighbourhood's radius (the peak-search radius, 0.45 of the
    /// object spacing) of the frame edge: its neighbourhood is cut by the edge, so its
    /// brightness is measured on fewer pixels and its present/defect call uses the edge
    /// statistics (`SiteLocator.locate`).
    public var edge: Bool = false
    /// The site's own intensity peak less the offset its site shows in every cell (pixels),
    /// within a quarter spacing of `predicted`; `nil` where no peak was found or the site
    /// shows too few times for that offset. A local measurement, unlike the default `image`
    /// (pooled over a band of scan lines, which smooths a creep that decays within a few
    /// lines): what the fit of a frame's creep needs (`SeriesTracker`). Not written to outputs.
    public var peak: Point2? = nil

    enum CodingKeys: String, CodingKey {
        case cell, group, half, index, name, kind, model, image, predicted, value, score, present, edge
    }
}

/// The frame-wide decision of which triangular half of the cell is the faulted one.
public struct HalfAssignment: Sendable, Codable, Equatable {
    /// The model group that is faulted ("A" or "B"), or `nil` when undecided.
    public var faultedGroup: String?
    /// Welch t statistic of the brightness difference between the two halves over all cells
    /// (positive: "A" brighter).
    public var tStatistic: Double
    /// Mean brightness difference A − B in robust standard deviations of site intensity.
    public var meanDifference: Double
    /// 0…1: 1 − p-value-like confidence from |t| (≈ 0.997 at |t| = 3).
    public var confidence: Double
    public var cellsUsed: Int
    /// Why it is undecided, when it is.
    public var note: String?
}

/// Localises object sites through H, snaps them to the image, classifies present/defect, and
/// decides the faulted half.
public enum SiteLocator {
    public struct Result: Sendable, Codable {
        public var sites: [LocatedSite]
        public var halves: HalfAssignment?
        /// Score below which a site is called a defect.
        public var defectThreshold: Double
    }

    /// - Parameters:
    ///   - image: the (levelled) image the registration was made on.
    ///   - registration: gives H (model → image).
    ///   - model: a lattice model with object sites.
    ///   - defectThreshold: a site whose intensity lies this many robust standard deviations
    ///     below the median of the same site in all cells is a defect (default −4: Gaussian
    ///     noise alone calls 0.003 % of atoms defects; on 20 random synthetic frames it gave
    ///     defect precision 0.975 and recall 0.997, against 0.863 and 1.0 at −3).
    ///   - refineToPeaks: move each site to its own intensity peak (bias-corrected, bounded).
    ///     Off by default: each site then takes the pooled peak displacement of its band of
    ///     scan lines (drift and creep move whole lines). On synthetic frames with known truth
    ///     that beats per-atom peaks (adatom recall at OKS 0.95 of 1.0 against 0.76 on a noisy
    ///     384² frame), because noise moves a single peak more than the lattice errs. Use it
    ///     when atoms really sit off their ideal sites.
    public static func locate(in image: Image, registration: Registration, model: AnchorModel,
                              defectThreshold: Double = -4, refineToPeaks: Bool = false) throws -> Result {
        guard let lattice = model.lattice else {
            throw RegistrationError.unsupportedModel("\(model.name) is not a lattice model")
        }
        let objects = lattice.sites.filter { $0.role == .object }
        guard !objects.isEmpty else { return Result(sites: [], halves: nil, defectThreshold: defectThreshold) }
        let h = registration.homography
        let inv = try h.inverse()
        // Object spacing in pixels sets the smoothing and the largest snap distance.
        let objectSpacing = lattice.nearestDistance(role: .object) ?? lattice.a1.length
        let pxPerUnit = 1 / ((registration.pixelSize[0] + registration.pixelSize[1]) / 2)
        let spacingPx = objectSpacing * pxPerUnit
        let smoothed = try image.gaussianBlurred(sigma: max(0.6, 0.12 * spacingPx), truncate: 3)
        // Every site whose predicted centre is inside the frame (pixel centres at integers, the
        // frame spans −0.5 … width − 0.5) is reported; those within the peak-search radius of
        // the border are flagged `edge`.
        let edgeWidth = 0.45 * spacingPx
        let w = Double(image.width - 1), hgt = Double(image.height - 1)
        let corners = [Point2(0, 0), Point2(w, 0), Point2(0, hgt), Point2(w, hgt)].map { inv.apply($0) }
        guard let bounds = ModelBounds(covering: corners) else {
            throw RegistrationError.fitFailed("H maps the image corners to infinity")
        }
        // Non-linear residue of the anchors (creep): drift and creep act along the slow scan
        // axis, so the anchors' residuals P_e − H(P_m), pooled by band of scan lines, move each
        // predicted site with its scan lines.
        let anchorSpacingPx = lattice.a1.length * pxPerUnit
        let field = ScanBandField(samples: registration.anchors.map { ($0.image.y, $0.image - registration.predictedImage(ofModel: $0.model)) },
                                  halfWidth: 0.6 * anchorSpacingPx, minimumCount: 4)
        var sites: [LocatedSite] = []
        var offsets: [String: [Point2]] = [:]
        // The full distortion model (H and, when chosen, the scan-line or smooth field) places
        // each site; a generous margin first, the exact frame test after the band correction.
        let slack = 0.5 * spacingPx + 1
        let inFrame = try model.objectPoints(in: ModelBounds(minX: bounds.minX - slack / pxPerUnit, minY: bounds.minY - slack / pxPerUnit,
                                                                  maxX: bounds.maxX + slack / pxPerUnit, maxY: bounds.maxY + slack / pxPerUnit)).compactMap { point -> (point: ModelPoint, p0: Point2)? in
            let p0 = registration.predictedImage(ofModel: point.position)
            guard p0.isFinite, p0.x >= -0.5 - slack, p0.y >= -0.5 - slack, p0.x < w + 0.5 + slack, p0.y < hgt + 0.5 + slack else { return nil }
            return (point, p0)
        }
        let creep = field.displacements(atRows: inFrame.map(\.p0.y))
        for (n, (point, p0)) in inFrame.enumerated() {
            let p = p0 + creep[n]
            guard p.x >= -0.5, p.y >= -0.5, p.x < w + 0.5, p.y < hgt + 0.5 else { continue }
            let snapped = LocalPeakSearch.refine(in: smoothed, near: p, radius: 0.45 * spacingPx, dark: false)
            let value = snapped?.value ?? Double(smoothed.sample(at: clampToFrame(p, in: smoothed)) ?? .nan)
            if let snapped { offsets[point.name, default: []].append(snapped.position - p) }
            sites.append(LocatedSite(
                cell: point.cell ?? CellIndex(0, 0), group: point.group, half: nil, index: point.index,
                name: point.name, kind: point.kind, model: point.position, image: snapped?.position ?? p, predicted: p,
                value: value, score: 0, present: true,
                edge: p.x < edgeWidth - 0.5 || p.y < edgeWidth - 0.5 || p.x > w + 0.5 - edgeWidth || p.y > hgt + 0.5 - edgeWidth))
        }
        // The intensity peak of an atom sits off its centre by the same amount in every cell
        // (blur pulls it towards bright neighbours and away from the corner hole); remove that
        // per-site bias so that only real local displacements remain.
        var bias: [String: Point2] = [:]
        for (name, list) in offsets where list.count >= 3 {
            bias[name] = Point2(median(list.map(\.x)), median(list.map(\.y)))
        }
        for k in sites.indices where sites[k].image != sites[k].predicted {
            guard let b = bias[sites[k].name] else { continue }
            let own = sites[k].image - b
            if own.distance(to: sites[k].predicted) <= 0.25 * spacingPx { sites[k].peak = own }
        }
        for k in sites.indices where refineToPeaks && sites[k].image != sites[k].predicted {
            let b = bias[sites[k].name] ?? .zero
            var refined = sites[k].image - b
            // Bounded: a refined position farther than a quarter spacing from the prediction
            // is not this atom.
            if refined.distance(to: sites[k].predicted) > 0.25 * spacingPx { refined = sites[k].predicted }
            sites[k].image = refined
        }
        if !refineToPeaks {
            // Scan-time correction: drift and creep displace whole scan lines, so the
            // bias-corrected peak offsets of all sites in a band of rows, pooled, measure the
            // displacement of that band far better than any single noisy peak does.
            // Then the same for bands of columns on what the line bands leave: fast-axis
            // creep, bow and the scanner's non-linearity depend on x, the same on every line
            // (a separable field, as the scan-line field's column profile). Two rounds.
            var measured: [(at: Point2, offset: Point2)] = []
            for s in sites where s.image != s.predicted && !s.edge {
                measured.append((s.predicted, s.image - s.predicted - (bias[s.name] ?? .zero)))
            }
            var field = SeparableSiteField(fitting: measured, bandWidth: 0.75 * spacingPx)
            // A second look: where the first search started far off (strong creep on few
            // anchors), some peaks were a neighbour's or noise; search again from where the
            // field now puts each site, closer, and fit the field to those peaks.
            let first = field.moved(sites.map(\.predicted))
            // A first-look peak that agrees with the field (within 0.15 spacing) is kept.
            measured.removeAll(keepingCapacity: true)
            for k in sites.indices where !sites[k].edge {
                let b = bias[sites[k].name] ?? .zero
                let q = first[k]
                if sites[k].image != sites[k].predicted, (sites[k].image - b).distance(to: q) <= 0.15 * spacingPx {
                    measured.append((sites[k].predicted, sites[k].image - sites[k].predicted - b))
                    continue
                }
                guard let again = LocalPeakSearch.refine(in: smoothed, near: q + b, radius: 0.3 * spacingPx, dark: false) else { continue }
                measured.append((sites[k].predicted, again.position - sites[k].predicted - b))
            }
            field = SeparableSiteField(fitting: measured, bandWidth: 0.75 * spacingPx)
            let moved = field.moved(sites.map(\.predicted))
            for k in sites.indices {
                var p = moved[k]
                if p.distance(to: sites[k].predicted) > 0.45 * spacingPx { p = sites[k].predicted }
                sites[k].image = p
            }
        }
        // Intensities at the final positions (creep may have put the first look off the atom).
        for k in sites.indices {
            let q = sites[k].image
            sites[k].value = LocalPeakSearch.refine(in: smoothed, near: q, radius: 0.25 * spacingPx, dark: false)?.value
                ?? Double(smoothed.sample(at: clampToFrame(q, in: smoothed)) ?? .nan)
        }
        // Intensity relative to the neighbourhood: tip changes, 1/f noise and levelling
        // residue make brightness drift across a frame, so each site is compared with the
        // median of the sites of the nearby cells — those whose origin lies within 1.6 lattice
        // constants of its own cell's (the cell and its six neighbours on Si(111)-7×7, 84
        // sites) — before the per-site statistics. One median per cell, not per site: the
        // brightness drifts over many cells, and twelve times fewer selections.
        let radius = 1.6 * lattice.a1.length
        let values = sites.map(\.value)
        var byCell: [CellIndex: [Int]] = [:]
        for k in sites.indices { byCell[sites[k].cell, default: []].append(k) }
        var nearCells: [(di: Int, dj: Int)] = []
        let reach = Int((radius / min(lattice.a1.length, lattice.a2.length)).rounded(.up)) + 1
        for di in -reach...reach {
            for dj in -reach...reach where (lattice.a1 * Double(di) + lattice.a2 * Double(dj)).length <= radius {
                nearCells.append((di, dj))
            }
        }
        var near: [Double] = []
        var reference: [CellIndex: Double] = [:]
        for cell in byCell.keys {
            near.removeAll(keepingCapacity: true)
            for o in nearCells {
                guard let members = byCell[CellIndex(cell.i + o.di, cell.j + o.dj)] else { continue }
                for k in members where values[k].isFinite { near.append(values[k]) }
            }
            reference[cell] = medianInPlace(&near)
        }
        let local = sites.indices.map { k in sites[k].value - (reference[sites[k].cell] ?? .nan) }
        // Robust per-site-name statistics: each of the 12 adatoms has its own typical
        // brightness (corner vs centre, faulted vs unfaulted), so compare like with like.
        var byName: [String: [Double]] = [:]
        // A site without a value (its final position left the image) is no evidence about
        // its neighbours or its kind: NaN in a median makes the result depend on the order
        // of the samples.
        // Interior sites only: an edge site's brightness is read on a cut neighbourhood.
        for (k, s) in sites.enumerated() where local[k].isFinite && !s.edge { byName[s.name, default: []].append(local[k]) }
        var stats: [String: (median: Double, scale: Double)] = [:]
        var pooled: [Double] = []
        for (_, vals) in byName {
            let med = median(vals)
            pooled.append(contentsOf: vals.map { $0 - med })
        }
        let pooledMAD = robustScale(pooled)
        for (name, vals) in byName {
            let med = median(vals)
            let mad = robustScale(vals.map { $0 - med })
            // Few cells: a per-site MAD is noisy; lean on the pooled one.
            stats[name] = (med, vals.count >= 8 ? max(mad, 0.5 * pooledMAD) : pooledMAD)
        }
        // Edge statistics: an edge site is compared with the interior median of its own site
        // name, in units of the robust spread of all edge sites about those medians (pooled
        // over names: there are few edge sites of each). The cut neighbourhood makes edge
        // brightness noisier; the wider scale keeps the −4 threshold meaning "4 standard
        // deviations of what an edge site shows" rather than calling noise a defect.
        var edgeDeviations: [Double] = []
        for (k, s) in sites.enumerated() where s.edge && local[k].isFinite {
            if let st = stats[s.name] { edgeDeviations.append(local[k] - st.median) }
        }
        let edgeScale = edgeDeviations.count >= 8 ? robustScale(edgeDeviations) : .nan
        for k in sites.indices {
            guard let st = stats[sites[k].name] else {
                // No site of this kind has a value: nothing to compare with.
                sites[k].score = .nan
                sites[k].present = false
                continue
            }
            var scale = st.scale
            if sites[k].edge { scale = max(scale, edgeScale.isFinite ? edgeScale : pooledMAD) }
            let z = scale > 0 ? (local[k] - st.median) / scale : 0
            sites[k].score = z
            sites[k].present = z >= defectThreshold
        }
        let halves = decideHalves(sites.filter { !$0.edge })
        if let faulted = halves?.faultedGroup {
            for k in sites.indices {
                if let g = sites[k].group { sites[k].half = g == faulted ? "faulted" : "unfaulted" }
            }
        }
        return Result(sites: sites, halves: halves, defectThreshold: defectThreshold)
    }

    /// `p` moved onto the nearest point of the sampled area (0 … width − 1, 0 … height − 1):
    /// a site between the last pixel centre and the frame edge reads the edge pixels.
    static func clampToFrame(_ p: Point2, in image: Image) -> Point2 {
        Point2(min(max(p.x, 0), Double(image.width - 1)), min(max(p.y, 0), Double(image.height - 1)))
    }

    /// The faulted half is brighter in filled-state STM images (Binnig et al. 1983; the 1986
    /// PRL of shared/reference/si111-7x7.md). Compare the mean brightness of the present
    /// adatoms of half A and half B cell by cell.
    static func decideHalves(_ sites: [LocatedSite]) -> HalfAssignment? {
        let groups = Set(sites.compactMap(\.group))
        guard groups == ["A", "B"] else { return nil }
        // Per cell: sum and count of the present adatoms of each half.
        var perCell: [CellIndex: (sumA: Double, countA: Int, sumB: Double, countB: Int)] = [:]
        // Sites in a fixed order (cell, then name) so every sum below is taken in one order.
        let present = sites.filter(\.present)
            .sorted { ($0.cell.i, $0.cell.j, $0.name) < ($1.cell.i, $1.cell.j, $1.name) }
        let presentValues = present.map(\.value)
        let presentMedian = median(presentValues)
        let scale = robustScale(presentValues.map { $0 - presentMedian })
        for s in present {
            if s.group == "A" {
                perCell[s.cell, default: (0, 0, 0, 0)].sumA += s.value
                perCell[s.cell, default: (0, 0, 0, 0)].countA += 1
            } else {
                perCell[s.cell, default: (0, 0, 0, 0)].sumB += s.value
                perCell[s.cell, default: (0, 0, 0, 0)].countB += 1
            }
        }
        // In cell order: a dictionary's order changes with the process's hash seed, and the
        // sums below would change in their last bits with it (batch results must be
        // byte-identical from run to run).
        let cells = perCell.keys.sorted { a, b in a.i != b.i ? a.i < b.i : a.j < b.j }
        let diffs: [Double] = cells.compactMap { c -> Double? in
            let v = perCell[c]!
            guard v.countA >= 3 && v.countB >= 3 else { return nil }
            return v.sumA / Double(v.countA) - v.sumB / Double(v.countB)
        }
        guard diffs.count >= 2 else {
            return HalfAssignment(faultedGroup: nil, tStatistic: 0, meanDifference: 0, confidence: 0,
                                  cellsUsed: diffs.count, note: "fewer than two complete cells in the frame")
        }
        let n = Double(diffs.count)
        let mean = diffs.reduce(0, +) / n
        let variance = diffs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
        let se = (variance / n).squareRoot()
        let t = se > 0 ? mean / se : (mean == 0 ? 0 : .infinity * (mean > 0 ? 1 : -1))
        // Normal approximation of the two-sided tail.
        let confidence = min(1, max(0, erfApprox(abs(t) / 2.0.squareRoot())))
        let decided = abs(t) >= 3
        return HalfAssignment(
            faultedGroup: decided ? (t > 0 ? "A" : "B") : nil, tStatistic: t,
            meanDifference: scale > 0 ? mean / scale : 0, confidence: confidence, cellsUsed: diffs.count,
            note: decided ? nil : "the halves differ too little in brightness (|t| = \(abs(t)) < 3) to tell which is faulted")
    }
}


/// 1.4826 × median absolute deviation of `residuals` about zero: a standard deviation that
/// ignores outliers (defects).
func robustScale(_ residuals: [Double]) -> Double {
    1.4826 * median(residuals.map(abs))
}

/// Abramowitz–Stegun 7.1.26 approximation of erf (|error| < 1.5e-7).
func erfApprox(_ x: Double) -> Double {
    let t = 1 / (1 + 0.3275911 * abs(x))
    let y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Double.exp(-x * x)
    return x >= 0 ? y : -y
}

/// The separable displacement field d(x, y) = rows(y) + columns(x) of measured site offsets
/// (pixels, at the sites' predicted positions): medians over bands of scan lines and over
/// bands of columns, fitted in turn (two rounds), each on what the other leaves.
///
/// The column bands are kept only when they explain something: the median residual
/// |offset − d| must fall at least 3 % below that of the scan-line bands alone. On a frame
/// without x-dependent distortion (most STEM frames) the column medians would only add their
/// own noise (+0.1 pm median error on a 256² MoS2 frame).
struct SeparableSiteField {
    let rows: ScanBandField
    /// nil when the column bands did not earn their place.
    let columns: ScanBandField?

    init(fitting measured: [(at: Point2, offset: Point2)], bandWidth: Double) {
        func field(_ samples: [(Double, Point2)]) -> ScanBandField {
            ScanBandField(samples: samples, halfWidth: bandWidth, minimumCount: 15)
        }
        var columnAtSample = [Point2](repeating: .zero, count: measured.count)
        var rows = field([]), columns = field([]), rowsAlone = field([])
        var rowAtSample: [Point2] = []
        var rowsAloneResidual = Double.nan
        for round in 0..<2 {
            rows = field(measured.indices.map { (measured[$0].at.y, measured[$0].offset - columnAtSample[$0]) })
            rowAtSample = rows.interpolatedDisplacements(atRows: measured.map(\.at.y))
            if round == 0 {
                rowsAlone = rows
                rowsAloneResidual = median(measured.indices.map { (measured[$0].offset - rowAtSample[$0]).length })
            }
            columns = field(measured.indices.map { (measured[$0].at.x, measured[$0].offset - rowAtSample[$0]) })
            columnAtSample = columns.interpolatedDisplacements(atRows: measured.map(\.at.x))
        }
        let residual = measured.isEmpty ? .nan
            : median(measured.indices.map { (measured[$0].offset - rowAtSample[$0] - columnAtSample[$0]).length })
        if measured.isEmpty || residual < 0.97 * rowsAloneResidual {
            (self.rows, self.columns) = (rows, columns)
        } else {
            (self.rows, self.columns) = (rowsAlone, nil)
        }
    }

    /// Each point moved by the field: p + rows(y) + columns(x), pixels.
    func moved(_ points: [Point2]) -> [Point2] {
        let r = rows.interpolatedDisplacements(atRows: points.map(\.y))
        guard let columns else { return zip(points, r).map { $0 + $1 } }
        let c = columns.interpolatedDisplacements(atRows: points.map(\.x))
        return points.indices.map { points[$0] + r[$0] + c[$0] }
    }
}

/// Robust displacement of each band of scan lines: the component-wise median of the sample
/// offsets whose rows lie within `halfWidth` of the query row (widened until `minimumCount`
/// samples are in).
struct ScanBandField {
    let ys: [Double]
    let offsets: [Point2]
    let halfWidth: Double
    let minimumCount: Int

    init(samples: [(y: Double, offset: Point2)], halfWidth: Double, minimumCount: Int) {
        let sorted = samples.sorted { $0.y < $1.y }
        ys = sorted.map(\.y)
        offsets = sorted.map(\.offset)
        self.halfWidth = halfWidth
        self.minimumCount = minimumCount
    }

    func displacement(atRow y: Double) -> Point2 {
        guard ys.count >= minimumCount else { return .zero }
        let (lo, hi) = window(atRow: y)
        let slice = offsets[lo..<hi]
        var buffer = slice.map(\.x)
        let mx = medianInPlace(&buffer)
        for (k, o) in zip(buffer.indices, slice) { buffer[k] = o.y }
        return Point2(mx, medianInPlace(&buffer))
    }

    /// `displacement(atRow:)` for many rows at once, the same values: the rows are visited
    /// in order and the two sorted windows of offsets slide along (insert and remove by
    /// binary search) instead of a selection over every row's whole window.
    func displacements(atRows rows: [Double]) -> [Point2] {
        guard ys.count >= minimumCount else { return [Point2](repeating: .zero, count: rows.count) }
        guard rows.allSatisfy(\.isFinite), offsets.allSatisfy(\.isFinite) else { return rows.map(displacement(atRow:)) }
        var out = [Point2](repeating: .zero, count: rows.count)
        var wx: [Double] = [], wy: [Double] = []
        func insert(_ v: Double, _ a: inout [Double]) { a.insert(v, at: Self.lowerBound(v, in: a)) }
        func remove(_ v: Double, _ a: inout [Double]) { a.remove(at: Self.lowerBound(v, in: a)) }
        func middle(_ a: [Double]) -> Double {
            let n = a.count
            return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2])
        }
        var curLo = 0, curHi = 0
        for q in rows.indices.sorted(by: { rows[$0] < rows[$1] }) {
            let (lo, hi) = window(atRow: rows[q])
            if lo >= curHi || hi <= curLo {
                wx.removeAll(keepingCapacity: true)
                wy.removeAll(keepingCapacity: true)
                for i in lo..<hi { insert(offsets[i].x, &wx); insert(offsets[i].y, &wy) }
            } else {
                for i in curLo..<max(curLo, lo) { remove(offsets[i].x, &wx); remove(offsets[i].y, &wy) }
                for i in min(curHi, max(hi, curLo))..<curHi { remove(offsets[i].x, &wx); remove(offsets[i].y, &wy) }
                for i in lo..<max(lo, curLo) { insert(offsets[i].x, &wx); insert(offsets[i].y, &wy) }
                for i in min(hi, max(curHi, lo))..<hi { insert(offsets[i].x, &wx); insert(offsets[i].y, &wy) }
            }
            (curLo, curHi) = (lo, hi)
            out[q] = Point2(middle(wx), middle(wy))
        }
        return out
    }

    /// `displacements(atRows:)` taken exactly on nodes a quarter of `halfWidth` apart and
    /// interpolated linearly between them: the band medians change little over a fraction of
    /// the band, and a frame's sites query the field ~10× more often than it has nodes.
    func interpolatedDisplacements(atRows rows: [Double]) -> [Point2] {
        let step = halfWidth / 4
        guard ys.count >= minimumCount, step > 0, let lo = rows.min(), let hi = rows.max(), lo.isFinite, hi.isFinite,
              (hi - lo) / step < Double(rows.count) else { return displacements(atRows: rows) }
        let count = Int(((hi - lo) / step).rounded(.up)) + 1
        let nodes = (0..<count).map { lo + Double($0) * step }
        let values = displacements(atRows: nodes)
        return rows.map { y in
            let t = (y - lo) / step
            let k = min(max(Int(t), 0), count - 1)
            guard k + 1 < count else { return values[k] }
            let f = t - Double(k)
            return values[k] * (1 - f) + values[k + 1] * f
        }
    }

    /// The band of samples used at row `y`: within `halfWidth`, widened by half until it
    /// holds `minimumCount` samples (or all).
    private func window(atRow y: Double) -> (Int, Int) {
        var w = halfWidth
        while true {
            let lo = lowerBound(y - w), hi = lowerBound(y + w + 1e-12)
            if hi - lo >= minimumCount || (lo == 0 && hi == ys.count) { return (lo, hi) }
            w *= 1.5
        }
    }

    private static func lowerBound(_ v: Double, in a: [Double]) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let m = (lo + hi) / 2
            if a[m] < v { lo = m + 1 } else { hi = m }
        }
        return lo
    }

    private func lowerBound(_ v: Double) -> Int {
        var a = 0, b = ys.count
        while a < b {
            let m = (a + b) / 2
            if ys[m] < v { a = m + 1 } else { b = m }
        }
        return a
    }
}
