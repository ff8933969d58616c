import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
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
        let messages = Messages()
        var options = RegistrationOptions()
        options.progress = { messages.add($0) }
        #expect {
            _ = try LatticeRegistrar.register(image, to: model, options: options)
        } throws: { error in
            guard case RegistrationError.noLattice(let why) = error else { return false }
            return why.contains("no periodic structure") && why.contains("16 tiles of 512² px")
        }
        #expect(messages.all.isEmpty, "no tolerant search was begun: \(messages.all)")
    }

    /// The messages `RegistrationOptions.progress` receives, from any thread.
    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ m: String) { lock.lock(); list.append(m); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }

    /// Below 16 tiles the check is not made: the frame goes through both paths as before and
    /// is refused by them, not by the check; the tolerant path announces each period range
    /// it searches (the large frame above begins none).
    @Test func smallNoiseFrameIsNotCheckedSpectrallyAndTheTolerantSearchReportsProgress() throws {
        let model = try BuiltinModels.named("si111-7x7")
        var rng = SeededGenerator(seed: 15)
        let image = try Image(width: 512, height: 512, pixels: (0..<(512 * 512)).map { _ in Float(rng.nextUnit()) })
        #expect(LatticeRegistrar.aperiodicReason(image) == nil)
        let messages = Messages()
        var options = RegistrationOptions()
        options.progress = { messages.add($0) }
        #expect {
            _ = try LatticeRegistrar.register(image, to: model, options: options)
        } throws: { error in
            guard let e = error as? RegistrationError else { return false }
            return !"\(e)".contains("no periodic structure")
        }
        let got = messages.all
        #expect(got.first?.hasPrefix("the standard path refused the frame") == true, "\(got)")
        // Octaves from 6 px up to a 2.2th of the side, ×1.8 each: 6, 10.8, …, 183.7 → 7 ranges.
        let ranges = got.filter { $0.hasPrefix("tolerant path: period range") }
        #expect(ranges.count == 7, "\(got)")
        #expect(ranges.first?.hasPrefix("tolerant path: period range 1 of 7 (6–12 px)") == true)
    }
}
