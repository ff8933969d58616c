import AnchorGeometry
import AnchorImaging
import AnchorModels

/// One frame of a tracked series (`SeriesTracker`). Scanner frame: nm, origin at the image
/// centre, x right (fast axis), y down (slow axis). Cells in frame 0's numbering.
/// In track.json every key is always written, `null` where it does not apply.
public struct TrackedFrame: Sendable, Codable {
    /// How the frame's cells were tied to frame 0's numbering.
    public struct CellCheck: Sendable, Codable, Equatable {
        /// The offset the drift forecast predicts, and how far (in cells) the prediction fell
        /// from the nearest whole offset.
        @NullWhenAbsent public var predicted: CellIndex?
        @NullWhenAbsent public var predictionResidualCells: Double?
        /// The offset the defect codes give (`FrameMatcher` against the previous usable frame),
        /// with its shared defects and confidence.
        @NullWhenAbsent public var byDefects: CellIndex?
        @NullWhenAbsent public var sharedDefects: Int?
        @NullWhenAbsent public var confidence: Double?
        /// Both exist and agree.
        @NullWhenAbsent public var agree: Bool?
        /// Which one was used: "defects", "prediction" or "first".
        public var used: String

        enum CodingKeys: String, CodingKey {
            case predicted, predictionResidualCells = "prediction_residual_cells", byDefects = "by_defects"
            case sharedDefects = "shared_defects", confidence, agree, used
        }
    }

    public var index: Int
    public var file: String
    /// Centre time of the frame, s since the first frame's centre.
    public var time: Double
    /// Start of the frame (civil time, s since 1970) and where it came from.
    public var start: Double
    public var timingSource: String
    public var frameTime: Double
    public var quality: Verdict
    /// The registration error when the frame could not be registered.
    @NullWhenAbsent public var error: String?
    @NullWhenAbsent public var decomposition: ScanDecomposition?
    /// The frame's cell (0, 0) in frame 0's numbering.
    @NullWhenAbsent public var cellOffset: CellIndex?
    @NullWhenAbsent public var cellCheck: CellCheck?
    /// Frame 0's model origin in the scanner frame at this frame's centre time, nm, with its
    /// standard error.
    @NullWhenAbsent public var latticePosition: Point2?
    @NullWhenAbsent public var latticeSigma: Point2?
    /// Displacement of the lattice since the previous usable frame, nm.
    @NullWhenAbsent public var drift: Point2?
    /// Drift velocity at this frame's time (nm/s) and its standard error.
    @NullWhenAbsent public var driftVelocity: Point2?
    @NullWhenAbsent public var driftVelocitySigma: Point2?
    /// The velocity U says the lattice had during this frame alone (nm/s).
    @NullWhenAbsent public var inFrameVelocity: Point2?
    /// Forecast of the lattice's displacement from this frame to the next (nm), from the
    /// frames up to this one: what to feed forward to the scanner.
    @NullWhenAbsent public var forecastNextDrift: Point2?
    /// Complete half cells coded in the frame.
    public var codedHalves: Int

    enum CodingKeys: String, CodingKey {
        case index, file, time = "time_s", start = "start_civil_s", timingSource = "timing_source"
        case frameTime = "frame_time_s", quality, error, decomposition, cellOffset = "cell_offset"
        case cellCheck = "cell_check", latticePosition = "lattice_position_nm", latticeSigma = "lattice_sigma_nm"
        case drift = "drift_nm", driftVelocity = "drift_velocity_nm_per_s"
        case driftVelocitySigma = "drift_velocity_sigma_nm_per_s", inFrameVelocity = "in_frame_velocity_nm_per_s"
        case forecastNextDrift = "forecast_next_drift_nm", codedHalves = "coded_halves"
    }
}
