import AnchorGeometry

/// Errors of device extraction, registration and alignment (issue 5). Each message says what
/// was found, so a user can act on it.
public enum DeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No usable structure in the image.
    case structureNotFound(reason: String)
    /// The model cannot be used by this extractor (e.g. no four-corner groups).
    case unsupportedModel(reason: String)
    /// The structure found does not match the model.
    case modelMismatch(reason: String)
    /// The registration's residual is too large to trust the alignment.
    case residualTooLarge(file: String, rmsPixels: Double, limitPixels: Double, detail: String)
    /// Invalid option or input.
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .structureNotFound(let r): return "structure not found: \(r)"
        case .unsupportedModel(let r): return "model not usable for device alignment: \(r)"
        case .modelMismatch(let r): return "model does not match the image: \(r)"
        case .residualTooLarge(let f, let rms, let lim, let d):
            let name = f.isEmpty ? "" : "\(f): "
            return "\(name)registration residual \(String(format: "%.2f", rms)) px exceeds \(String(format: "%.2f", lim)) px; the alignment is not trustworthy (\(d))"
        case .invalidParameter(let n, let r): return "invalid \(n): \(r)"
        }
    }
}
