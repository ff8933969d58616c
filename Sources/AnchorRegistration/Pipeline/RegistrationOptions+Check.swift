import AnchorImaging

extension RegistrationOptions {
    /// Refuses user-given priors that no frame of this size can have, before any work: a
    /// spacing that is not a finite number of pixels above 2 or is larger than half the
    /// frame's longer side (fewer than two cells: nothing to register, and the detector's
    /// scale would ask for a huge buffer), a rotation that is not a finite angle within
    /// ±360°, a shear that is not finite or beyond ±1 (45°).
    /// - Throws: `RegistrationError.invalidParameter` naming the option and its valid range.
    public func check(forWidth width: Int, height: Int) throws {
        if let s = spacingPixels {
            let limit = Double(max(width, height)) / 2
            guard s.isFinite, s > 2, s <= limit else {
                throw RegistrationError.invalidParameter(
                    name: "spacing-px",
                    reason: "\(s) px; for this \(width)×\(height) frame give a lattice constant above 2 and at most \(limit) px (half the longer side)")
            }
        }
        if let r = rotationDegrees {
            guard r.isFinite, abs(r) <= 360 else {
                throw RegistrationError.invalidParameter(name: "rotation", reason: "\(r)°; give a finite angle within −360…360°")
            }
        }
        if let a = shear {
            guard a.isFinite, abs(a) <= 1 else {
                throw RegistrationError.invalidParameter(name: "shear", reason: "\(a); give a finite shear a_x within −1…1")
            }
        }
    }
}
