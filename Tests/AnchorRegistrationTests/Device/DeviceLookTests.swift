import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import Testing
@testable import AnchorRegistration

/// Device alignment against the generator's truth on the looks of issue 11 that it handles
/// today (JPEG, blur, vignetting, white balance and device size drawn by
/// `OMPairParameters.random`). Not yet handled to these limits (see docs/align.md): the film
/// between substrate and electrodes, a dark film with electrodes stopping short or
/// overlapping it, and a grey camera on the brightest film (film and gold within 12 grey
/// levels: no quadrilateral found on seed 101 at this size). Small frames keep the suite fast; the figures over hundreds of
/// full-size pairs come from Benchmarks/align/looks.py.
@Suite("Device alignment over the looks")
struct DeviceLookTests {
    static let looks: [(OMPairLook, UInt64)] = [
        (OMPairLook(tone: .brightest, electrodes: .short, colour: true), 100),
        (OMPairLook(tone: .brightest, electrodes: .overlap, colour: true), 102),
        (OMPairLook(tone: .darkest, electrodes: .edge, colour: true), 104),
    ]

    @Test(arguments: looks)
    func alignsTheLook(_ look: OMPairLook, _ seed: UInt64) throws {
        let p = OMPairParameters.random(seed: seed, width: 480, height: 360, look: look, truthGridSize: 128)
        let r = DeviceLookStudy.run(p)
        #expect(r.status == "ok", "\(look.label): \(r.status) \(r.reasons)")
        #expect(r.cornerErrorsPct.count == 8)
        // Squares of 60–150 px here: 0.5 % of the side is 0.3–0.75 px.
        #expect((r.cornerErrorsPct.max() ?? .infinity) < 0.5, "\(look.label): corners \(r.cornerErrorsPct)")
        #expect((r.changeErrorPoints ?? .infinity) < 0.5, "\(look.label): change error \(String(describing: r.changeErrorPoints))")
    }

    @Test func lookParametersAreDrawnFromTheSeed() {
        let a = OMPairParameters.random(seed: 9), b = OMPairParameters.random(seed: 9)
        #expect(a == b)
        #expect(Set((1...60).map { OMPairParameters.random(seed: $0).look }).count >= 12)
        for s in 1...60 as ClosedRange<UInt64> {
            let p = OMPairParameters.random(seed: s)
            #expect((try? p.validate()) != nil)
            #expect(p.blurSigma <= 3 && (p.jpegQuality.map { (70...95).contains($0) } ?? true))
        }
    }

    @Test func tableByLook() {
        let recs = [DeviceLookStudy.Record(seed: 1, look: "a", jpegQuality: nil, blurSigma: 1, status: "ok", reasons: [],
                                           cornerErrorsPct: [0.01, 0.02], changeErrorPoints: 0.1),
                    DeviceLookStudy.Record(seed: 2, look: "b", jpegQuality: 80, blurSigma: 2, status: "refused", reasons: ["x"],
                                           cornerErrorsPct: [0.3], changeErrorPoints: nil)]
        let t = DeviceLookStudy.table(recs)
        #expect(t.map(\.look) == ["a", "b", "all"])
        #expect(t[0].refused == 0 && t[1].refused == 1 && t[2].refused == 1 && t[2].pairs == 2)
        #expect(t[2].cornerMaxPct == 0.3 && t[0].changeMaxPoints == 0.1)
    }
}
