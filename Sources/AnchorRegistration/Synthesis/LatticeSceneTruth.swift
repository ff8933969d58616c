import AnchorGeometry
import AnchorModels

/// What occupies one site of a synthetic lattice frame.
public enum LatticeSiteState: String, Sendable, Codable, Hashable {
    /// The model's atom (column), rendered with the site's signal.
    case present
    /// No atom: nothing rendered.
    case vacancy
    /// Another species: rendered with `substitutionFactor` × the site's signal.
    case substitution
}

/// One ground-truth site of a synthetic lattice frame, in image pixels and model nm.
public struct LatticeTruthSite: Sendable, Codable, Hashable {
    /// Lattice cell (i, j): the cell whose origin is i·a1 + j·a2.
    public var cell: CellIndex
    /// Site name in the model ("A", "B", "M", "X2", …).
    public var site: String
    public var kind: String?
    public var role: SiteRole
    /// False for a site that is not an atom (the Si(001) dimer centre): never a defect.
    public var atom: Bool
    public var state: LatticeSiteState
    /// The peak height rendered there (0 for a vacancy), in units of the strongest site's signal.
    public var signal: Double
    /// Position in the image, pixels (pixel centres at integers, x right, y down).
    public var image: Point2
    /// Position in the model, nm.
    public var model: Point2
}

/// The ground truth of a synthetic lattice frame (`truth.json` of `synth lattice`).
public struct LatticeSceneTruth: Sendable, Codable {
    public var generator: String = "lattice"
    /// The model spec ("graphene" or "graphene:0.247").
    public var model: String
    public var parameters: LatticeSceneParameters
    public var latticeConstantNm: Double
    public var width: Int
    public var height: Int
    public var pixelSizeNominalNm: Double
    /// The pixel size written into the image (nil when uncalibrated).
    public var pixelSizeRecordedNm: Double?
    /// √|det J| of the true pixel → model map at the image centre, nm per pixel.
    public var pixelSizeTrueAtCentreNm: Double
    /// The exact model (nm) → image (px) homography (rotation, drift, perspective).
    public var homography: Homography
    /// Every site whose true position lies inside the image.
    public var sites: [LatticeTruthSite]
    public var vacancies: Int
    public var substitutions: Int

    enum CodingKeys: String, CodingKey {
        case generator, model, parameters, width, height, homography, sites, vacancies, substitutions
        case latticeConstantNm = "lattice_constant_nm", pixelSizeNominalNm = "pixel_size_nominal_nm"
        case pixelSizeRecordedNm = "pixel_size_recorded_nm", pixelSizeTrueAtCentreNm = "pixel_size_true_at_centre_nm"
    }

    /// The defects (vacancies and substitutions) only.
    public var defects: [LatticeTruthSite] { sites.filter { $0.state != .present } }
}
