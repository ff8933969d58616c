import AnchorGeometry
import AnchorModels

/// Finds which unit cells of two frames of the same surface are the same cells (the paper's
/// Fig. 6d): the cell-index offset that makes the two frames' cell codes agree best.
///
/// Only defects carry information (almost every bit is 1), so the score of an offset counts
/// defects seen at the same site in both frames and penalises bits that disagree:
///
///     score(Δ) = Σ [both 0] − ½ Σ [bits differ]
///
/// over the half cells both frames contain after shifting frame B's indices by Δ. Intensity
/// never enters: the codes are made per frame from each frame's own statistics, so tip
/// contrast, brightness and drift differences between the frames do not matter.
public enum FrameMatcher {
    public struct Match: Sendable, Codable, Equatable {
        /// Cell (i, j) of frame A is cell (i + di, j + dj) of frame B.
        public var offset: CellIndex
        public var score: Double
        /// Score of the runner-up offset.
        public var secondScore: Double
        /// Half cells compared at the best offset.
        public var comparedHalves: Int
        /// Defects found at the same place in both frames.
        public var sharedDefects: Int
        /// Bits that disagree at the best offset.
        public var mismatches: Int
        /// 0…1: how clearly the best offset beats the runner-up.
        public var confidence: Double
    }

    /// - Parameters:
    ///   - a, b: the cell codes of the two frames.
    ///   - maxOffset: largest |di|, |dj| searched (default: every offset that overlaps).
    ///
    /// When both frames decided their halves, "faulted" is compared with "faulted"; otherwise
    /// the model's group letters are.
    /// - Throws: `RegistrationError.noMatch` when no offset shares a defect.
    public static func match(_ a: [CellCode], _ b: [CellCode], maxOffset: Int? = nil) throws -> Match {
        let labelsDecided = a.allSatisfy { $0.half != nil } && b.allSatisfy { $0.half != nil }
        func key(_ c: CellCode) -> String { labelsDecided ? c.half! : c.group }
        var tableB: [CellIndex: [String: String]] = [:]
        for c in b { tableB[c.cell, default: [:]][key(c)] = c.bits }
        guard !a.isEmpty, !b.isEmpty else {
            throw RegistrationError.noMatch("a frame has no complete half cell")
        }
        let ai = a.map(\.cell.i), aj = a.map(\.cell.j), bi = b.map(\.cell.i), bj = b.map(\.cell.j)
        let rangeI = (bi.min()! - ai.max()!)...(bi.max()! - ai.min()!)
        let rangeJ = (bj.min()! - aj.max()!)...(bj.max()! - aj.min()!)
        var results: [(CellIndex, Double, Int, Int, Int)] = []
        for di in rangeI {
            for dj in rangeJ {
                if let m = maxOffset, abs(di) > m || abs(dj) > m { continue }
                var shared = 0, differ = 0, compared = 0
                for c in a {
                    guard let other = tableB[CellIndex(c.cell.i + di, c.cell.j + dj)]?[key(c)] else { continue }
                    compared += 1
                    for (x, y) in zip(c.bits, other) {
                        if x == "0" && y == "0" { shared += 1 } else if x != y { differ += 1 }
                    }
                }
                guard compared > 0 else { continue }
                results.append((CellIndex(di, dj), Double(shared) - 0.5 * Double(differ), compared, shared, differ))
            }
        }
        results.sort { $0.1 > $1.1 }
        guard let best = results.first, best.3 > 0 else {
            throw RegistrationError.noMatch("no cell offset puts a defect of one frame on a defect of the other")
        }
        let second = results.count > 1 ? results[1].1 : -Double.infinity
        let gap = best.1 - max(second, 0)
        let confidence = second.isFinite ? max(0, min(1, gap / max(best.1, 1))) : 1
        return Match(offset: best.0, score: best.1, secondScore: second.isFinite ? second : 0,
                     comparedHalves: best.2, sharedDefects: best.3, mismatches: best.4, confidence: confidence)
    }

    /// The image-to-image map of a match: a point of frame A's image (pixels) → model A
    /// (H_A⁻¹) → the same place in model B (shift by the cell offset) → frame B's image (H_B).
    public static func imageTransform(from ha: Homography, to hb: Homography, offset: CellIndex,
                                      a1: Point2, a2: Point2) throws -> Homography {
        let shift = a1 * Double(offset.i) + a2 * Double(offset.j)
        return hb * Homography.translation(shift.x, shift.y) * (try ha.inverse())
    }
}
