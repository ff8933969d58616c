/// The distortion models that compete to describe a frame (issue 10): each adds freedom to
/// the homography, and a frame gets the extra freedom only when it predicts anchors the fit
/// has not seen better (`DistortionSelection`).
public enum DistortionModelKind: String, Sendable, Codable, CaseIterable {
    /// One homography H (model → image): perspective, drift and linear creep.
    case homography
    /// H plus a scan-line field (`ScanLineField`): per-line offset and rate, smooth along the
    /// slow axis, and a vector-valued fast-axis profile (slow and fast creep, bow, piezo
    /// non-linearity).
    case scanLineField = "homography+scan-line-field"
    /// H plus a smooth 2-D field (`SmoothDisplacementField`): distortion not tied to scan lines.
    case smoothField = "homography+smooth-field"
}
