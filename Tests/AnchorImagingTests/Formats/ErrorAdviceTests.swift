import Foundation
import TestData
import Testing
@testable import AnchorImaging

/// Errors that say what to do (issue 14): a wrong --raw type names the type that fits, an
/// ambiguous channel prefix names the candidates.
@Suite struct ErrorAdviceTests {
    @Test("float64 data read as float32 (or with the wrong byte order) names the layout that fits")
    func wrongRawType() throws {
        let data = try TestData.realData("si7x7-spiepy/image_with_defects.dat")
        for wrong in [RawSampleType.f32le, .f64be] {
            let layout = RawLayout(rows: 256, cols: 256, sampleType: wrong, offset: 8)
            #expect { try RawImport.read(data: data, layout: layout) } throws: { error in
                guard case FormatError.corrupt(.raw, let text) = error else { return false }
                return text.contains("try --raw 256,256,f64le,8")
            }
        }
        let right = try RawImport.read(data: data, layout: RawLayout(rows: 256, cols: 256, sampleType: .f64le, offset: 8))
        #expect(right.channels[0].image.pixels.allSatisfy { $0.isFinite })
    }

    @Test("plausible floats pass, NaN gaps included; a dynamic range of 1e30 does not")
    func plausibility() {
        var gappy = (0..<1000).map { Float($0) * 1e-9 }
        for k in stride(from: 0, to: 1000, by: 5) { gappy[k] = .nan }   // 20 % gaps
        #expect(RawPlausibility.problem(gappy) == nil)
        #expect(RawPlausibility.problem([1e-20, 1e20, 1]) != nil)
        #expect(RawPlausibility.problem([Float](repeating: .infinity, count: 10)) != nil)
        #expect(RawPlausibility.problem((0..<200).map { $0 < 10 ? Float.leastNonzeroMagnitude : 1 }) != nil)
    }

    @Test("a prefix shared by forward and backward channels lists both; a unique prefix still selects")
    func ambiguousChannel() throws {
        let img = try Image(width: 1, height: 1, pixels: [1])
        let doc = ImageDocument(format: .sxm, channels: [
            ImageChannel(name: "Z (forward)", image: img), ImageChannel(name: "Current (forward)", image: img),
            ImageChannel(name: "Current (backward)", image: img),
        ])
        #expect(throws: FormatError.ambiguousChannel(format: .sxm, requested: "Current",
                                                     candidates: ["Current (forward)", "Current (backward)"])) {
            _ = try doc.channel(named: "Current")
        }
        #expect("\(FormatError.ambiguousChannel(format: .sxm, requested: "cur", candidates: ["Current (forward)", "Current (backward)"]))"
            .contains("--channel \"Current (forward)\""))
        #expect(try doc.channel(named: "Current (b").name == "Current (backward)")
        #expect(try doc.channel(named: "z").name == "Z (forward)")
    }
}
