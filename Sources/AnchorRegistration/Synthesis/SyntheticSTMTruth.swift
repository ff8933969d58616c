import AnchorGeometry
import AnchorModels

/// One ground-truth point of a synthetic STM frame: a corner hole or an adatom of the
/// Si(111)-(7×7) model, in image pixels and model nm.
public struct SyntheticTruthPoint: Sendable, Hashable, Codable {
    /// Lattice cell (i, j) in the surface's global indexing (shared by both frames of a pair).
    public var cell: CellIndex
    /// Site name in the model ("CH", "A1" … "B6").
    public var site: String
    /// "corner-hole", "corner-adatom" or "centre-adatom".
    public var kind: String
    /// Triangular half "A" or "B" (nil for corner holes).
    public var half: String?
    /// Whether that half is the faulted one (nil for corner holes).
    public var faulted: Bool?
    /// Site number 1–6 within the half (nil for corner holes).
    public var index: Int?
    /// False for a missing adatom (a defect).
    public var present: Bool
    /// True when the point lies within 2σ of an adsorbate's centre (hidden under it).
    public var obscured: Bool
    /// Position in the image, pixels (centres at integers, x right, y down).
    public var image: Point2
    /// Position in the model, nm.
    public var model: Point2
}

/// The ground truth of a synthetic Si(111)-(7×7) frame (written as `truth.json`).
public struct SyntheticSTMTruth: Sendable, Codable {
    public var generator: String = "si7x7"
    public var model: String = "si111-7x7"
    /// The parameters, with the centre resolved.
    public var parameters: Si7x7SceneParameters
    public var width: Int
    public var height: Int
    /// Nominal pixel size, nm per pixel (field of view / pixels).
    public var pixelSizeNominal: Double
    /// The pixel size written into the image (nil when the frame is uncalibrated).
    public var pixelSizeRecorded: Double?
    /// √|det J| of the true pixel → model map at the image centre, nm per pixel.
    public var pixelSizeTrueAtCentre: Double
    /// Which half ("A" or "B") is faulted.
    public var faultedHalf: String
    /// The exact model (nm) → image (px) homography; nil when creep makes the map
    /// non-projective.
    public var homography: Homography?
    /// The model → image homography of everything except creep (equals `homography`
    /// without creep).
    public var homographyWithoutCreep: Homography
    /// The distortion, for reproducing the per-pixel map.
    public var distortion: ScanDistortionDescription
    /// The cell containing the model point under the image centre.
    public var centreCell: CellIndex
    public var cornerHoles: [SyntheticTruthPoint]
    public var adatoms: [SyntheticTruthPoint]
    /// Bright adsorbates whose centres lie within 4 nm of the frame's footprint.
    public var adsorbates: [SyntheticAdsorbate]
    /// Adatoms inside the image and how many of them are missing.
    public var adatomCount: Int
    public var defectCount: Int

    enum CodingKeys: String, CodingKey {
        case generator, model, parameters, width, height
        case pixelSizeNominal = "pixel_size_nominal_nm", pixelSizeRecorded = "pixel_size_recorded_nm"
        case pixelSizeTrueAtCentre = "pixel_size_true_at_centre_nm", faultedHalf = "faulted_half"
        case homography, homographyWithoutCreep = "homography_without_creep", distortion
        case centreCell = "centre_cell", cornerHoles = "corner_holes", adatoms, adsorbates
        case adatomCount = "adatom_count", defectCount = "defect_count"
    }
}

/// The per-pixel map of `ScanDistortion` in JSON form (see its documentation for the
/// equations).
public struct ScanDistortionDescription: Sendable, Hashable, Codable {
    public var equation: String =
        "t=(y+x/W)/H; s=x/W; u=((x+j(y)-(W-1)/2)*p, (y-(H-1)/2)*p); n=u/(p*W/2, p*H/2); q=u + (hx*(ax*nx^2+bx*nx^3), hy*(ay*ny^2+by*ny^3)) + drift*t + (A, Ay)*exp(-t/tau) + (B*exp(-s/tau_f), 0) + (0, bow*nx^2); q'=P(q) with P=[[1,0,0],[0,1,0],[g,h,1]]; model = centre + R(-rotation)*q'; j(y) Catmull-Rom through line_jitter_px"
    public var pixelSizeNm: Double
    public var rotationRad: Double
    public var centreNm: Point2
    public var driftNm: Point2
    public var creepAmplitudeNm: Double
    public var creepTau: Double
    public var perspectivePerNm: Point2
    public var creepAmplitudeYNm: Double
    public var fastCreepAmplitudeNm: Double
    public var fastCreepTau: Double
    public var bowNm: Double
    /// (α, β) per axis.
    public var nonlinearityX: Point2
    public var nonlinearityY: Point2
    /// Per-line x offset, pixels (empty when there is no jitter).
    public var lineJitterPx: [Double]

    init(_ d: ScanDistortion) {
        creepAmplitudeYNm = d.creepAmplitudeY
        fastCreepAmplitudeNm = d.fastCreepAmplitude
        fastCreepTau = d.fastCreepTau
        bowNm = d.bow
        nonlinearityX = d.nonlinearityX
        nonlinearityY = d.nonlinearityY
        lineJitterPx = d.lineJitter
        pixelSizeNm = d.pixelSize
        rotationRad = d.rotation
        centreNm = d.centre
        driftNm = d.drift
        creepAmplitudeNm = d.creepAmplitude
        creepTau = d.creepTau
        perspectivePerNm = d.perspective
    }

    enum CodingKeys: String, CodingKey {
        case equation, pixelSizeNm = "p_nm", rotationRad = "rotation_rad", centreNm = "centre_nm"
        case driftNm = "drift_nm", creepAmplitudeNm = "creep_amplitude_nm", creepTau = "creep_tau"
        case perspectivePerNm = "perspective_gh_per_nm"
        case creepAmplitudeYNm = "creep_amplitude_y_nm", fastCreepAmplitudeNm = "fast_creep_amplitude_nm"
        case fastCreepTau = "fast_creep_tau", bowNm = "bow_nm", nonlinearityX = "nonlinearity_x_alpha_beta"
        case nonlinearityY = "nonlinearity_y_alpha_beta", lineJitterPx = "line_jitter_px"
    }
}
