import AnchorGeometry
import AnchorImaging
import AnchorModels
import AnchorRegistration
import Foundation

/// The JSON of `anchorreg align` (`--json` and result.json). Every key is always written
/// (absent values as `null`); keys, units and meanings in docs/outputs.md, checked by
/// DocumentedOutputsTests.
struct AlignSummary: Encodable {
    struct Anchor: Encodable { var name: String; var model: Point2; var image: Point2; var inlier: Bool }
    struct Frame: Encodable {
        var file: String
        var width: Int
        var height: Int
        var homography: Homography
        var anchors: [Anchor]
        var mae: Double
        var recall: Double
        var oks_scale: Double
        var rms_px: Double
        var residual_limit_px: Double
        var trustworthy: Bool
        var rotation_deg: Double
        @NullWhenAbsent var ambiguity: String?
        /// Symmetric models: how the orientation relative to the first frame was chosen.
        @NullWhenAbsent var orientation_by_content: OrientationChoice?
        var quadrilaterals_found: Int
        var normalisation: IntensityNormalisation
        /// This frame's verdict (DeviceVerdict).
        var quality: Verdict
    }
    struct Grid: Encodable { var origin: Point2; var width: Int; var height: Int; var pixels_per_unit: Double; var unit: String }
    struct Difference: Encodable { var frame: Int; var rms: Double; var rms_relative: Double; var pixels: Int; var intensity_range: Double }
    struct Profile: Encodable { var start: Point2; var end: Point2; var samples: Int }
    var model: String
    /// The alignment's verdict: ok, doubtful or refused, with reasons and evidence.
    var quality: Verdict
    var unit: String
    var grid: Grid
    var frames: [Frame]
    var difference: [Difference]
    @NullWhenAbsent var measurement: DarknessMeasurement?
    @NullWhenAbsent var change: DarknessChange?
    var profiles: [Profile]
    var notes: [String]
    var files: [String]

    init(_ r: DeviceAlignmentResult, paths: [String], frames fs: [AlignmentFrame], model: AnchorModel,
         profiles ps: [LineProfile], files: [String]) {
        self.model = model.name
        quality = r.quality
        unit = AlignOutputs.unitSymbol(model)
        grid = Grid(origin: r.grid.origin, width: r.grid.width, height: r.grid.height,
                    pixels_per_unit: r.grid.pixelsPerUnit, unit: AlignOutputs.unitSymbol(model))
        frames = r.registrations.enumerated().map { k, g in
            Frame(file: paths[k], width: fs[k].luminance.width, height: fs[k].luminance.height,
                  homography: g.homography,
                  anchors: g.pairs.map { Anchor(name: $0.name, model: $0.model, image: $0.image, inlier: $0.inlier) },
                  mae: g.mae, recall: g.recall, oks_scale: g.oksScale, rms_px: g.residualPixels,
                  residual_limit_px: g.residualLimitPixels, trustworthy: g.isTrustworthy,
                  rotation_deg: g.rotationDegrees, ambiguity: g.ambiguity, orientation_by_content: r.orientationByContent[k],
                  quadrilaterals_found: g.extraction.quadrilaterals.count, normalisation: r.normalisation[k],
                  quality: g.quality)
        }
        difference = r.differences.indices.map {
            Difference(frame: $0 + 1, rms: r.differenceRMS[$0], rms_relative: r.differenceRMSRelative[$0],
                       pixels: r.differencePixels[$0], intensity_range: r.intensityRange)
        }
        measurement = r.measurement
        change = r.change
        profiles = ps.map { Profile(start: $0.start, end: $0.end, samples: $0.distances.count) }
        notes = r.notes + r.registrations.enumerated().compactMap { k, g in
            g.isTrustworthy ? nil : String(format: "%@: residual %.2f px exceeds %.2f px — not trustworthy", paths[k], g.residualPixels, g.residualLimitPixels)
        }
        self.files = files
    }
}
