/// A correspondence between a model point and an image point, by their indices in the
/// caller's two arrays. Encodes to JSON as `{"model": i, "image": j}`.
public struct PointPair: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Index into the model point array.
    public var model: Int
    /// Index into the image point array.
    public var image: Int

    @inlinable
    public init(model: Int, image: Int) {
        self.model = model
        self.image = image
    }

    public var description: String { "(\(model) ↔ \(image))" }
}

/// Pairs model and image points that are each other's nearest neighbour and lie at most
/// `maxDistance` apart.
///
/// Both sets must be in the same coordinate space — typically the model points already
/// mapped into the image by a (rough or fitted) transform, so that distances are in pixels.
/// A pair (i, j) is kept when image point j is the nearest image point to model point i,
/// model point i is the nearest model point to image point j, and their distance is
/// ≤ `maxDistance`. Mutual nearness makes the pairing one-to-one and symmetric, and drops
/// the ambiguous cases (two model points competing for one detection) that a one-sided
/// nearest-neighbour search would pair wrongly. Ties in distance go to the smaller index.
///
/// Points with a NaN or infinite coordinate are never paired.
///
/// - Returns: the pairs in ascending model index.
/// - Complexity: O((m + n) log(m + n)) on average: two k-d trees and one query per point.
public func mutualNearestPairs(model: [Point2], image: [Point2], maxDistance: Double) -> [PointPair] {
    guard !model.isEmpty, !image.isEmpty, maxDistance >= 0, !maxDistance.isNaN else { return [] }
    return mutualNearestPairs(model: model, image: image, imageTree: KDTree(image), maxDistance: maxDistance)
}

/// `mutualNearestPairs(model:image:maxDistance:)` with a k-d tree already built over `image`
/// (reused across calls when the image points stay fixed and only the model moves).
///
/// - Precondition: `imageTree` was built from exactly `image`.
public func mutualNearestPairs(
    model: [Point2], image: [Point2], imageTree: KDTree, maxDistance: Double
) -> [PointPair] {
    guard !model.isEmpty, !image.isEmpty, maxDistance >= 0, !maxDistance.isNaN else { return [] }
    // Only model points that found an image point within reach can be in a pair, so the
    // reverse tree is built over those alone.
    var candidate = [Int](repeating: -1, count: model.count)
    var reachable: [Point2] = []
    var reachableIndex: [Int] = []
    for (i, p) in model.enumerated() {
        if let hit = imageTree.nearest(to: p, maxDistance: maxDistance) {
            candidate[i] = hit.index
            reachable.append(p)
            reachableIndex.append(i)
        }
    }
    guard !reachable.isEmpty else { return [] }
    let modelTree = KDTree(reachable)
    var pairs: [PointPair] = []
    for (k, i) in reachableIndex.enumerated() {
        let j = candidate[i]
        // The nearest model point to image point j lies within maxDistance (model point i
        // does); searching all model points within that reach is enough, since any model
        // point nearer to j than i would itself have found an image point within reach.
        guard let back = modelTree.nearest(to: image[j], maxDistance: maxDistance), back.index == k else {
            continue
        }
        pairs.append(PointPair(model: i, image: j))
    }
    return pairs
}
