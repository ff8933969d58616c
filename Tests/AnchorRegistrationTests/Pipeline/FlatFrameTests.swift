import AnchorImaging
import AnchorModels
import Testing
@testable import AnchorRegistration

/// A blank or saturated frame has no contrast: it is refused at once with that reason, not
/// searched at every period first.
@Suite struct FlatFrameTests {
    @Test(arguments: [Float(0), 255, .nan])
    func flatFrameIsRefusedAsFlat(value: Float) throws {
        let model = try BuiltinModels.named("si111-7x7")
        let image = try Image(width: 128, height: 96, fill: value)
        #expect {
            _ = try LatticeRegistrar.register(image, to: model)
        } throws: { error in
            guard case RegistrationError.noLattice(let why) = error else { return false }
            return why.contains("flat")
        }
    }

    @Test func oneBrighterPixelIsNotFlat() throws {
        let model = try BuiltinModels.named("si111-7x7")
        var image = try Image(width: 128, height: 96, fill: 0)
        image.pixels[500] = 1
        #expect {
            _ = try LatticeRegistrar.register(image, to: model)
        } throws: { error in
            guard case RegistrationError.noLattice(let why) = error else { return true }
            return !why.contains("flat")
        }
    }
}
