import AnchorImaging
import AnchorModels
import Foundation

/// The record of one finished frame of a batch (`OUT/frames/NAME/frame.json`), written last
/// and atomically: its presence, with the same input hash and options, means the frame's
/// results are complete and a resumed batch skips it. It holds what `batch merge` tabulates.
/// Every key is always written (`null` when the frame was refused before its analysis);
/// keys in docs/outputs.md.
public struct BatchFrameRecord: Codable, Sendable, Equatable {
    /// The frame's name (see `BatchInput.name`).
    public var file: String
    /// SHA-256 of the input file, hex.
    public var input_sha256: String
    /// SHA-256 of the batch's options text (see `BatchManifest.optionsDigest`).
    public var options_sha256: String
    /// The verdict's status: `ok`, `doubtful` or `refused`.
    public var status: Verdict.Status
    /// The frame's verdict (reasons and evidence).
    public var verdict: Verdict
    /// Anchors of the model placed in the frame, and how many fit (inliers).
    @NullWhenAbsent public var anchors: Int?
    @NullWhenAbsent public var inliers: Int?
    /// Measured pixel size (x, y), model units per pixel.
    @NullWhenAbsent public var pixel_size: [Double]?
    /// The model unit.
    @NullWhenAbsent public var unit: String?
    /// Rotation of the model's x axis in the image, degrees.
    @NullWhenAbsent public var rotation_deg: Double?
    /// Normalised spread of neighbouring anchor distances after correction.
    @NullWhenAbsent public var spread: Double?
    /// Sites found missing (defects), when sites were located.
    @NullWhenAbsent public var defects: Int?
    /// Timings of the frame, milliseconds: `read`, `total` (read + analysis, wall) and `cpu_total`
    /// from the report, `frame` (the whole frame with its files, wall). Not part of the
    /// comparison of two runs: they change from run to run.
    public var timings_ms: [String: Double]
    /// The files written for the frame, relative to its folder.
    public var files: [String]

    /// The record of a frame whose analysis produced `report`.
    public init(file: String, inputSHA256: String, optionsSHA256: String, report: FrameReport, files: [String]) {
        self.file = file
        self.input_sha256 = inputSHA256
        self.options_sha256 = optionsSHA256
        self.verdict = Self.verdict(report: report, error: nil)
        self.status = verdict.status
        anchors = report.metrics.anchors_in_view ?? report.metrics.anchors
        inliers = report.metrics.inliers
        pixel_size = report.pixel_size
        unit = report.unit
        rotation_deg = report.transform.rotation_deg
        spread = report.metrics.neighbour_spread_after
        defects = report.metrics.defects
        timings_ms = report.timings_ms.filter { ["read", "total", "cpu_total"].contains($0.key) }
        self.files = files
    }

    /// The record of a frame that could not be read or registered.
    public init(file: String, inputSHA256: String, optionsSHA256: String, error: any Error) {
        self.file = file
        self.input_sha256 = inputSHA256
        self.options_sha256 = optionsSHA256
        self.verdict = Self.verdict(report: nil, error: error)
        self.status = verdict.status
        timings_ms = [:]
        files = []
    }

    /// The frame's verdict, decided in this one place.
    ///
    /// An error (unreadable file, too few anchors fit, no lattice) is `refused` with the
    /// error's text; a registration that completed carries its own verdict
    /// (`Registration.quality`, see `LatticeVerdict`).
    public static func verdict(report: FrameReport?, error: (any Error)?) -> Verdict {
        if let error {
            let code = error is FormatError || error is ImageError ? "unreadable" : "registration_refused"
            return Verdict(reasons: [Verdict.Reason(code: code, status: .refused, message: "\(error)")])
        }
        return report?.quality ?? Verdict()
    }
}
