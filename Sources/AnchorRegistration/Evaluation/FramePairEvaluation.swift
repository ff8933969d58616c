import AnchorGeometry
import AnchorModels
import Foundation

/// Scores a two-frame cell match against the truth of a synthetic pair: the match is right
/// when the first-image → second-image map it implies puts the first frame's true corner holes
/// within 0.3 lattice constants of the same (truth) cells' corner holes in the second frame.
public struct FramePairEvaluation: Sendable, Codable, Equatable {
    /// Corner holes present in both frames that the map puts on / off their true position.
    public var holesRight: Int
    public var holesWrong: Int
    /// Right when more holes land right than wrong.
    public var right: Bool { holesRight > holesWrong }

    /// - Parameters:
    ///   - imageTransform: first-image → second-image pixel map implied by the match.
    ///   - pair: the synthetic pair with its truth.
    ///   - latticeConstant: |a1| of the model (model units, nm).
    public init(imageTransform: Homography, pair: SyntheticSTMPair, latticeConstant: Double) {
        let holesB = Dictionary(pair.second.truth.cornerHoles.map { ($0.cell, $0.image) }, uniquingKeysWith: { x, _ in x })
        let tolerance = 0.3 * latticeConstant / pair.second.truth.pixelSizeTrueAtCentre
        var ok = 0, bad = 0
        for h in pair.first.truth.cornerHoles {
            guard let target = holesB[h.cell] else { continue }
            if imageTransform.apply(h.image).distance(to: target) < tolerance { ok += 1 } else { bad += 1 }
        }
        holesRight = ok
        holesWrong = bad
    }
}
