import AnchorGeometry
import AnchorImaging
import AnchorModels
import Foundation
import TestData
import Testing
@testable import AnchorRegistration

/// The real photographs of ../shared/data/real/optical-snake-hackerfab/ (see SOURCES.md):
/// the design drawing of a meander with four contact pads, a photograph of it, and the same
/// photograph turned by 180°.
@Suite("Device alignment on real photographs")
struct SnakePhotoTests {
    static func file(_ name: String) throws -> String { try TestData.realPath("optical-snake-hackerfab/" + name) }

    @Test("snakesmall2 registers to the drawing's model; snakesmall1 (turned 180°) aligns with a flat difference")
    func snake() throws {
        let design = try #require(try ImageFile.read(path: Self.file("snake_design.jpg")).rgb)
        let model = try DesignModelBuilder.model(fromDrawing: design.luminance(), name: "snake")
        // Four pads: 4 × (4 corners + centre).
        #expect(model.anchorPoints.count == 20)
        #expect(model.regions.count == 5)
        var frames: [AlignmentFrame] = []
        for f in ["snakesmall2.jpg", "snakesmall1.jpg"] {
            let rgb = try #require(try ImageFile.read(path: Self.file(f)).rgb)
            frames.append(AlignmentFrame(name: f, luminance: rgb.luminance(), colour: rgb))
        }
        let r = try DeviceAlignment.align(frames, model: model)
        let upright = r.registrations[0], turned = r.registrations[1]
        #expect(upright.pairs.count == 20)
        #expect(upright.isTrustworthy)
        #expect(turned.isTrustworthy)
        #expect(upright.ambiguity == nil && turned.ambiguity == nil)
        #expect(abs(upright.rotationDegrees) < 2)
        #expect(abs(abs(turned.rotationDegrees) - 180) < 2)
        #expect(upright.recall >= 0.9)
        // The photo is 900 px wide for a 2500 px drawing: scale ≈ 0.36 px per drawing px.
        #expect(abs(DeviceAlignment.localScale(upright.homography, at: Point2(1250, 700)) - 0.36) < 0.02)
        // 180° turn of the same photograph: the two homographies differ by exactly that turn.
        let turn = Homography(-1, 0, 899, 0, -1, 506, 0, 0, 1)
        for p in model.anchorPoints {
            #expect(turned.homography.apply(p.position).distance(to: (turn * upright.homography).apply(p.position)) < 0.5)
        }
        #expect(r.differenceRMSRelative[0] < 0.02)
        // The verdict: every pad outline is an edge of the photograph.
        #expect(r.quality.status == .ok, "\(r.quality.reasons.map(\.message))")
        #expect(upright.quality.evidence["outline_support"] ?? 0 > 0.9)
        // Issue 11: rotation within 0.3° of 0° or 180°.
        #expect(abs(upright.rotationDegrees) < 0.3 + 1e-9 || abs(abs(upright.rotationDegrees) - 180) < 0.3 + 1e-9)
    }
}
