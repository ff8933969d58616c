import RealModule
import AnchorGeometry
import AnchorImaging
import AnchorModels

/// Everything AnchorReg learns from one frame: the registration, the located sites with their
/// present/defect classification, the halves decision and the cell codes — the chain of the
/// paper's Figs. 5–6 in one value.
public struct FrameAnalysis: Sendable {
    public var registration: Registration
    /// Located object sites (empty for models without objects or when not asked for).
    public var sites: [LocatedSite]
    public var halves: HalfAssignment?
    public var cells: [CellCode]
    /// The levelled image the analysis worked on (image pixels).
    public var levelled: Image
    public var model: AnchorModel
    /// Vacancies and substitutions among every shown atomic column (`PointDefectCensus`),
    /// when sites were asked for and the model has bright (atomic) anchors; nil otherwise.
    public var pointDefects: PointDefectCensus? = nil

    /// Registers `image` to `model` and, when `locateSites` and the model has object sites,
    /// localises and classifies them and encodes the cells.
    public static func analyse(_ image: Image, model: AnchorModel, options: RegistrationOptions = .init(),
                               locateSites: Bool = true) throws -> FrameAnalysis {
        let registered = try LatticeRegistrar.registerKeepingLevelled(image, to: model, options: options)
        var registration = registered.registration
        let levelled = registered.levelled
        var sites: [LocatedSite] = []
        var halves: HalfAssignment? = nil
        var cells: [CellCode] = []
        // Sites of a structure the frame does not show would be guesses: a refused frame gets
        // none (its verdict says why).
        if locateSites, registration.quality?.status != .refused,
           let lattice = model.lattice, lattice.sites.contains(where: { $0.role == .object }) {
            var clock = Stopwatch()
            let cpuBefore = registration.timings.cpuTotal
            // The site stage follows the main domain's anchors (another domain's residuals
            // hold its shift, not the scan's distortion).
            var mainDomain = registration
            mainDomain.anchors = registration.anchors.filter { ($0.domain ?? 0) == 0 }
            let located = try SiteLocator.locate(in: levelled, registration: mainDomain, model: model)
            sites = Self.sitesOfMainDomain(located.sites, registration: registration)
            halves = located.halves
            let perGroup = Dictionary(grouping: lattice.sites.filter { $0.role == .object }, by: { $0.group ?? "" })
                .values.map(\.count).max() ?? 0
            cells = CellCode.codes(from: sites, sitesPerGroup: perGroup)
            registration.timings.sites = clock.lap()
            registration.timings.total += registration.timings.sites
            registration.timings.cpuTotal = cpuBefore + clock.cpuTotal()
        }
        var pointDefects: PointDefectCensus? = nil
        if locateSites, registration.quality?.status != .refused, model.anchorContrast == .bright {
            var clock = Stopwatch()
            let cpuBefore = registration.timings.cpuTotal
            var mainDomain = registration
            mainDomain.anchors = registration.anchors.filter { ($0.domain ?? 0) == 0 }
            pointDefects = try PointDefectCensus.classify(levelled, registration: mainDomain, model: model)
            let t = clock.lap()
            registration.timings.sites += t
            registration.timings.total += t
            registration.timings.cpuTotal = cpuBefore + clock.cpuTotal()
        }
        return FrameAnalysis(registration: registration, sites: sites, halves: halves, cells: cells,
                             levelled: levelled, model: model, pointDefects: pointDefects)
    }

    /// Sites are placed with the main domain's lattice; where another lattice domain owns the
    /// area (the nearest fitted anchor is that domain's) they would sit a fraction of a cell
    /// off, so they are left out rather than reported wrong.
    static func sitesOfMainDomain(_ sites: [LocatedSite], registration: Registration) -> [LocatedSite] {
        guard registration.domains.count > 1 else { return sites }
        let fitted = registration.anchors.filter(\.inlier)
        let tree = KDTree(fitted.map(\.image))
        return sites.filter { site in
            guard let hit = tree.nearest(to: site.image) else { return true }
            return (fitted[hit.index].domain ?? 0) == 0
        }
    }

    /// The image resampled onto the model's absolute grid (the paper's Fig. 5c): output pixel
    /// (i, j) lies at model point origin + (i, j) / `pixelsPerUnit`, so the result carries the
    /// model's unit and an exact pixel size. The grid covers the frame's footprint in the
    /// model. The warp goes through the full distortion model the registration chose (H and
    /// its scan-line or smooth field): output pixel m takes the source value at
    /// `registration.predictedImage(ofModel: m)`, so creep, bow and non-linearity are removed.
    ///
    /// - Parameter pixelsPerUnit: output resolution (default: about the input's, rounded).
    public func corrected(source: Image, pixelsPerUnit: Double? = nil,
                          interpolation: Interpolation = .bicubic) throws -> Image {
        let grid = try correctedGrid(width: source.width, height: source.height, pixelsPerUnit: pixelsPerUnit)
        let h = registration.homography
        guard registration.scanLineOffsets != nil || registration.smoothField != nil else {
            return try source.warped(to: grid, modelToImage: h, interpolation: interpolation, fill: .nan)
        }
        var pixels = [Float](repeating: .nan, count: grid.width * grid.height)
        for j in 0..<grid.height {
            for i in 0..<grid.width {
                let p = registration.predictedImage(ofModel: grid.modelPoint(Double(i), Double(j)))
                if let v = source.sample(at: p, interpolation: interpolation) { pixels[j * grid.width + i] = v }
            }
        }
        var out = try Image(width: grid.width, height: grid.height, pixels: pixels)
        out.pixelSize = grid.pixelSize
        out.unit = grid.unit
        out.valueUnit = source.valueUnit
        return out
    }

    /// The grid `corrected` resamples onto: the model-space bounding box of a
    /// `width × height` frame's border, mapped through the whole distortion model, at
    /// `pixelsPerUnit` (default `defaultResolution`), so that `grid.pixel(ofModelPoint:)`
    /// places model points on the corrected image.
    public func correctedGrid(width: Int, height: Int, pixelsPerUnit: Double? = nil) throws -> OutputGrid {
        let inv = try registration.homography.inverse()
        let w = Double(width - 1), hh = Double(height - 1)
        var border: [Point2] = []
        for k in 0...8 {
            let f = Double(k) / 8
            border += [Point2(f * w, 0), Point2(f * w, hh), Point2(0, f * hh), Point2(w, f * hh)]
        }
        let footprint = border.map { registration.modelPoint(ofImage: $0, inverse: inv) }
        guard footprint.allSatisfy(\.isFinite) else { throw RegistrationError.fitFailed("H maps the frame to infinity") }
        let ppu = pixelsPerUnit ?? defaultResolution
        return try OutputGrid(covering: footprint.map(\.x).min()!, footprint.map(\.y).min()!,
                              footprint.map(\.x).max()!, footprint.map(\.y).max()!,
                              pixelsPerUnit: ppu, unit: model.unit)
    }
    /// The displacement the chosen distortion model adds to H, on the input's pixel grid:
    /// (dx, dy) at every image pixel (x, y), in model units (nm for atomic models), converted
    /// from pixels with the registration's pixel size along each axis. Zero everywhere when
    /// the homography was chosen. Both images carry the input grid's calibration in model
    /// units.
    public func distortionField(width: Int, height: Int) throws -> (dx: Image, dy: Image) {
        var dx = [Float](repeating: 0, count: width * height), dy = dx
        let sx = registration.pixelSize[0], sy = registration.pixelSize[1]
        if registration.scanLineOffsets != nil || registration.smoothField != nil {
            for y in 0..<height {
                for x in 0..<width {
                    let d = registration.fieldDisplacement(at: Point2(Double(x), Double(y)))
                    dx[y * width + x] = Float(d.x * sx)
                    dy[y * width + x] = Float(d.y * sy)
                }
            }
        }
        let unit = LengthUnit(rawValue: registration.unit) ?? .none
        let ps = PixelSize(x: sx, y: sy)
        let a = try Image(width: width, height: height, pixels: dx, pixelSize: ps, unit: unit, valueUnit: registration.unit)
        let b = try Image(width: width, height: height, pixels: dy, pixelSize: ps, unit: unit, valueUnit: registration.unit)
        return (a, b)
    }

    /// About the input's resolution in px per model unit, rounded to 2 significant digits.
    public var defaultResolution: Double {
        let ps = (registration.pixelSize[0] + registration.pixelSize[1]) / 2
        let r = 1 / ps
        let mag = Double.pow(10, (Double.log10(r)).rounded(.down) - 1)
        return (r / mag).rounded() * mag
    }
}
