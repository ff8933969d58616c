import RealModule
import AnchorGeometry
import AnchorModels

/// The machine-readable result of one frame (`result.json`, `register --json`,
/// `locate --json`). Keys are snake_case and stable; every coordinate says its space:
/// `image` in pixels (centres at integers, x right, y down, (0, 0) the first pixel of the
/// file's first row), `model` and `reconstructed` in the model's `unit`. Every key is always
/// written: an absent value is `null` (`NullWhenAbsent`), never a missing key. The keys,
/// their units and meanings are listed in docs/outputs.md (checked by DocumentedOutputsTests).
public struct FrameReport: Encodable, Sendable {
    public struct Anchor: Encodable, Sendable {
        public var model: Point2
        public var image: Point2
        public var reconstructed: Point2
        public var inlier: Bool
        public var residual_px: Double
        /// Index into `domains` (0 = the main lattice domain).
        public var domain: Int
    }

    /// A lattice domain (see `Registration.Domain`): its anchors sit at H(P_m + shift) (+ the
    /// scan-line field).
    public struct Domain: Encodable, Sendable {
        /// Shift of the domain's lattice, model units, and in fractions of a1, a2.
        public var shift: Point2
        public var shift_cells: Point2
        public var anchors: Int
        public var inliers: Int
    }

    /// The scan-line field of the tolerant registration: line y moves by
    /// `line_offsets[y] + x · line_slopes[y] + column_profile[x]` pixels on top of H.
    public struct ScanField: Encodable, Sendable {
        public var line_offsets: [Point2]
        public var line_slopes: [Point2]
        public var column_profile: [Point2]
    }

    public struct Site: Encodable, Sendable {
        public var cell: CellIndex
        /// "faulted" / "unfaulted", or null when the frame's halves are undecided.
        @NullWhenAbsent public var half: String?
        /// The model's name for the half (triangle) the site belongs to ("A" or "B").
        @NullWhenAbsent public var group: String?
        @NullWhenAbsent public var index: Int?
        public var name: String
        @NullWhenAbsent public var kind: String?
        public var image: Point2
        public var model: Point2
        public var present: Bool
        public var score: Double
        /// The site's neighbourhood is cut by the frame edge (its call uses the edge
        /// statistics; see docs/registration.md).
        public var edge: Bool
    }

    public struct Cell: Encodable, Sendable {
        public var cell: CellIndex
        /// "faulted" / "unfaulted", or null when the frame's halves are undecided.
        @NullWhenAbsent public var half: String?
        public var group: String
        public var bits: String
    }

    public struct Metrics: Encodable, Sendable {
        public var mae: Double
        public var recall: Double
        public var oks_threshold: Double
        public var oks_scale: Double
        public var oks_k: Double
        public var rms_px: Double
        public var anchors: Int
        public var inliers: Int
        public var detected_points: Int
        public var filtered_points: Int
        public var iterations: Int
        public var sites: Int
        public var defects: Int
        /// Normalised spread of neighbouring anchor distances before / after correction.
        public var neighbour_spread_before: Double
        public var neighbour_spread_after: Double
        /// With a scan-line field: the spread H alone would leave.
        @NullWhenAbsent public var neighbour_spread_after_homography_only: Double?
        /// Model anchors the fit places inside the frame (at least half must be inliers).
        @NullWhenAbsent public var anchors_in_view: Int?
    }

    /// The point-defect census (`PointDefectCensus`): counts over every classified column and
    /// the columns called vacancy or substitution.
    public struct PointDefects: Encodable, Sendable {
        public struct Defect: Encodable, Sendable {
            public var cell: CellIndex
            public var site: String
            public var role: String
            public var image: Point2
            public var model: Point2
            /// "vacancy" or "substitution".
            public var state: String
            public var score: Double
            public var edge: Bool
        }
        public var classified: Int
        public var vacancies: Int
        public var substitutions: Int
        public var threshold_sd: Double
        public var window_sigma_px: Double
        public var unclassified_sites: [String]
        public var defects: [Defect]
    }

    public struct Halves: Encodable, Sendable {
        @NullWhenAbsent public var faulted_group: String?
        public var t_statistic: Double
        public var confidence: Double
        public var cells_used: Int
        @NullWhenAbsent public var note: String?
    }

    @NullWhenAbsent public var file: String?
    /// The channel of the file that was analysed ("Z (forward)"), null when unknown.
    @NullWhenAbsent public var channel: String?
    /// Unit of the image's sample values as the file gives it ("m", "nm", "A", "V"), null when
    /// the file gives none (photographs, raw data).
    @NullWhenAbsent public var value_unit: String?
    public var model: String
    public var unit: String
    /// H: model units → image pixels.
    public var homography: Homography
    /// The rough placement A (paper Eq. 1): model units → image pixels.
    public var affine: Homography
    /// Model units per image pixel along x and y at the image centre, as measured by H.
    public var pixel_size: [Double]
    /// The file's own calibration, when it has one (model unit per pixel).
    @NullWhenAbsent public var file_pixel_size: [Double]?
    /// Drift/shear/scale reading of H (see `TransformSummary`).
    public var transform: TransformSummary
    public var extractor: String
    /// "plane+lines", or "plane+median-background+lines" on the tolerant path.
    public var levelling: String
    /// Lattice domains (empty or one: a single domain).
    public var domains: [Domain]
    /// The scan-line field added to H, when the tolerant path registered the frame or the
    /// distortion selection chose it.
    @NullWhenAbsent public var scan_field: ScanField?
    /// The smooth 2-D field added to H when the distortion selection chose it.
    @NullWhenAbsent public var smooth_field: SmoothDisplacementField?
    /// Every distortion model's held-out anchor residual and the choice.
    @NullWhenAbsent public var distortion: DistortionSelection?
    public var anchors: [Anchor]
    public var sites: [Site]
    public var cells: [Cell]
    @NullWhenAbsent public var halves: Halves?
    /// Vacancies and substitutions among all shown columns; null for register, refused
    /// frames and models without bright (atomic) anchors.
    @NullWhenAbsent public var point_defects: PointDefects?
    public var metrics: Metrics
    /// The verdict (`LatticeVerdict`): `status` ok / doubtful / refused, `reasons`
    /// [{code, status, message}] and the `evidence` behind them (keys in docs/registration.md).
    @NullWhenAbsent public var quality: Verdict?
    public var timings_ms: [String: Double]
    /// Block size of the copy the frame was analysed on (`AnalysisCopy`): 1 for the file's own
    /// pixels; k > 1 when the file had more pixels than the analysis budget, and then every
    /// pixel coordinate here refers to the k×k-binned copy.
    public var analysis_binning: Int = 1

    public init(_ analysis: FrameAnalysis, file: String?, filePixelSize: [Double]?, channel: String? = nil) {
        let r = analysis.registration
        self.file = file
        self.channel = channel
        value_unit = analysis.levelled.valueUnit
        model = analysis.model.name
        unit = r.unit
        homography = r.homography
        affine = r.affine
        pixel_size = r.pixelSize
        file_pixel_size = filePixelSize
        transform = TransformSummary(r.homography, unit: r.unit)
        extractor = r.extractor
        anchors = r.anchors.map { Anchor(model: $0.model, image: $0.image, reconstructed: $0.reconstructed, inlier: $0.inlier, residual_px: $0.residual, domain: $0.domain ?? 0) }
        levelling = r.levelling
        domains = r.domains.map { Domain(shift: $0.shift, shift_cells: $0.shiftCells, anchors: $0.anchors, inliers: $0.inliers) }
        if let o = r.scanLineOffsets, let g = r.scanLineSlopes {
            scan_field = ScanField(line_offsets: o, line_slopes: g, column_profile: r.scanColumnProfile ?? [])
        }
        smooth_field = r.smoothField
        distortion = r.distortion
        sites = analysis.sites.map {
            Site(cell: $0.cell, half: $0.half, group: $0.group, index: $0.index, name: $0.name, kind: $0.kind,
                 image: $0.image, model: $0.model, present: $0.present, score: $0.score, edge: $0.edge)
        }
        cells = analysis.cells.map { Cell(cell: $0.cell, half: $0.half, group: $0.group, bits: $0.bits) }
        halves = analysis.halves.map {
            Halves(faulted_group: $0.faultedGroup, t_statistic: $0.tStatistic, confidence: $0.confidence, cells_used: $0.cellsUsed, note: $0.note)
        }
        point_defects = analysis.pointDefects.map { c in
            PointDefects(classified: c.columns.count, vacancies: c.vacancies, substitutions: c.substitutions,
                         threshold_sd: c.threshold, window_sigma_px: c.blurSigma, unclassified_sites: c.unclassifiedSites,
                         defects: c.columns.filter { $0.state != .present }.map {
                             PointDefects.Defect(cell: $0.cell, site: $0.site, role: $0.role.rawValue, image: $0.image,
                                                 model: $0.model, state: $0.state.rawValue, score: $0.score, edge: $0.edge)
                         })
        }
        metrics = Metrics(
            mae: r.metrics.mae, recall: r.metrics.recall, oks_threshold: 0.95, oks_scale: r.metrics.oksScale,
            oks_k: r.metrics.oksK, rms_px: r.metrics.rmsPixels, anchors: r.metrics.anchors, inliers: r.metrics.inliers,
            detected_points: r.detectedPoints, filtered_points: r.filteredPoints, iterations: r.iterations,
            sites: analysis.sites.count, defects: analysis.sites.filter { !$0.present }.count,
            neighbour_spread_before: r.metrics.neighbourSpreadBefore, neighbour_spread_after: r.metrics.neighbourSpreadAfter,
            neighbour_spread_after_homography_only: r.metrics.neighbourSpreadAfterHomographyOnly,
            anchors_in_view: r.metrics.anchorsInView)
        quality = r.quality
        let t = r.timings
        timings_ms = ["level": t.level, "lattice": t.lattice, "extract": t.extract, "vote": t.vote,
                      "rough": t.rough, "fine": t.fine, "sites": t.sites, "quality": t.quality, "total": t.total,
                      "cpu_total": t.cpuTotal]
    }
}

/// What a homography means to a microscopist: the scale along each image axis, the rotation,
/// the shear (non-orthogonality, the signature of drift along the slow axis) and the
/// perspective part, read off H⁻¹ at the image origin.
public struct TransformSummary: Encodable, Sendable {
    /// Image pixels per model unit along the model's x and y axes (the Eq. 1 scale).
    public var scale_px_per_unit: [Double]
    /// Rotation of the model's x axis in the image, degrees (clockwise on screen).
    public var rotation_deg: Double
    /// Angle between the images of the model's x and y axes minus 90°, degrees.
    public var shear_deg: Double
    /// Perspective row (g, h) of H normalised to h33 = 1.
    public var perspective: [Double]
    /// Aspect ratio of the scales (1: no anisotropic distortion).
    public var aspect_ratio: Double
    public var unit: String

    public init(_ h: Homography, unit: String) {
        let n = h.normalized()
        let ex = Point2(n.m11, n.m21), ey = Point2(n.m12, n.m22)
        scale_px_per_unit = [ex.length, ey.length]
        rotation_deg = Double.atan2Degrees(ex.y, ex.x)
        let cosAngle = ex.dot(ey) / (ex.length * ey.length)
        shear_deg = Double.acosDegrees(max(-1, min(1, cosAngle))) - 90
        perspective = [n.m31, n.m32]
        aspect_ratio = ex.length / ey.length
        self.unit = unit
    }
}

extension Double {
    static func atan2Degrees(_ y: Double, _ x: Double) -> Double { Double.atan2(y: y, x: x) * 180 / .pi }
    static func acosDegrees(_ c: Double) -> Double { Double.acos(c) * 180 / .pi }
}
