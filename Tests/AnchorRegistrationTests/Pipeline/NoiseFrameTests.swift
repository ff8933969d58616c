import AnchorGeometry
import AnchorImaging
import AnchorModels
import Testing
@testable import AnchorRegistration

/// A large frame of pure noise is refused as aperiodic once the standard path finds no
/// lattice, with the spectral figures in the reason, instead of going through the tolerant
/// path's octave search first.
@Suite struct NoiseFrameTests {
    @Test func largeNoiseFrameIsRefusedAsAperiodic() throws {
        let model = try BuiltinModels.named("si111-7x7")
        var rng = SeededGenerator(seed: 14)
        let side = 2048
        let image = try Image(width: side, height: side, pixels: (0..<(side * side)).map { _ in Float(rng.nextUnit() * 255) })
        #expect {
            _ = try LatticeRegistrar.register(image, to: model)
        } throws: { error in
            guard case RegistrationError.noLattice(let why) = error else { return false }
            return why.contains("no periodic structure") && why.contains("16 tiles of 512² px")
        }
    }

    /// Below 16 tiles the check is not made: the frame goes through both paths as before and
    /// is refused by them, not by the check.
    @Test func smallNoiseFrameIsNotCheckedSpectrally() throws {
        let model = try BuiltinModels.named("si111-7x7")
        var rng = SeededGenerator(seed: 15)
        let image = try Image(width: 512, height: 512, pixels: (0..<(512 * 512)).map { _ in Float(rng.nextUnit()) })
        #expect(LatticeRegistrar.aperiodicReason(image) == nil)
        #expect {
            _ = try LatticeRegistrar.register(image, to: model)
        } throws: { error in
            guard let e = error as? RegistrationError else { return false }
            return !"\(e)".contains("no periodic structure")
        }
    }
}
