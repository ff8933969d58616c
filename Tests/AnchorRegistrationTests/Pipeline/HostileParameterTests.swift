import AnchorGeometry
import AnchorImaging
import AnchorModels
import Testing
@testable import AnchorRegistration

/// Parameters that used to trap, allocate without bound or change the result silently
/// (issue 14, "Hostile input"), and the order-independence of the faulted-half statistic.
@Suite struct HostileParameterTests {
    static let generator = Si7x7SceneGenerator()
    static let scene = try! generator.generate(Si7x7SceneParameters(seed: 3, size: 192, fieldOfView: 14))

    @Test("spacing, rotation and shear priors no frame can have are refused before any work",
          arguments: [RegistrationOptions(spacingPixels: 100_000), RegistrationOptions(spacingPixels: 1e308),
                      RegistrationOptions(spacingPixels: .nan), RegistrationOptions(spacingPixels: 2),
                      RegistrationOptions(rotationDegrees: .infinity), RegistrationOptions(rotationDegrees: .nan),
                      RegistrationOptions(rotationDegrees: 1e308),
                      RegistrationOptions(spacingPixels: 40, rotationDegrees: -.infinity),
                      RegistrationOptions(spacingPixels: 40, rotationDegrees: 10, shear: .nan)])
    func refusedPriors(_ options: RegistrationOptions) throws {
        #expect {
            try FrameAnalysis.analyse(Self.scene.image, model: Self.generator.model, options: options)
        } throws: { error in
            guard case RegistrationError.invalidParameter = error else { return false }
            return true
        }
    }

    @Test("the bound is half the frame's longer side: a plausible prior still runs the analysis")
    func plausiblePriorIsAccepted() throws {
        #expect(throws: Never.self) { try RegistrationOptions(spacingPixels: 96, rotationDegrees: 359).check(forWidth: 192, height: 100) }
        #expect(throws: RegistrationError.self) { try RegistrationOptions(spacingPixels: 96.5).check(forWidth: 192, height: 100) }
    }

    @Test("generator parameters that overflow are refused: noise 1e308, side 1e308 µm, rotation inf")
    func generatorLimits() {
        var p = Si7x7SceneParameters(seed: 1, size: 32, fieldOfView: 10)
        p.noise = 1e308
        #expect(throws: SynthesisError.self) { try Self.generator.generate(p) }
        p.noise = 0.05
        p.rotationDegrees = .infinity
        #expect(throws: SynthesisError.self) { try Self.generator.generate(p) }
        let om = OMPairParameters(seed: 1, width: 64, height: 64, side: 1e308)
        #expect(throws: SynthesisError.self) { try OMPairGenerator().generate(om) }
        #expect(throws: ModelError.self) { try BuiltinModels.named("square:1e308") }
        #expect(throws: ModelError.self) { try BuiltinModels.named("device4:1e10") }
        #expect(throws: Never.self) { try BuiltinModels.named("device4:1e9") }
    }

    @Test("validation studies are bounded by the work they cause, overflow included")
    func validationWork() {
        for samples in [Int.max, 100_000_000] {
            let c = ValidationConfiguration(samplesPerCondition: samples)
            #expect(throws: GeometryError.self) { try c.validate() }
        }
        let full = ValidationConfiguration(samplesPerCondition: 10_000)
        #expect(throws: Never.self) { try full.validate() }
    }

    @Test("the faulted-half t statistic does not depend on the order of the sites, bit for bit")
    func halvesAreOrderIndependent() throws {
        let a = try FrameAnalysis.analyse(Self.scene.image, model: Self.generator.model)
        let reference = try #require(SiteLocator.decideHalves(a.sites))
        var g = SeededGenerator(seed: 5)
        for _ in 0..<5 {
            let shuffled = try #require(SiteLocator.decideHalves(a.sites.shuffled(using: &g)))
            #expect(shuffled.tStatistic.bitPattern == reference.tStatistic.bitPattern)
            #expect(shuffled.confidence.bitPattern == reference.confidence.bitPattern)
        }
    }
}
