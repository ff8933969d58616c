import Testing
import PropertyBased
@testable import AnchorGeometry

/// Brute-force references the tree must agree with exactly (ties by smaller index).
private func bruteSorted(_ pts: [Point2], _ q: Point2) -> [(index: Int, d2: Double)] {
    pts.enumerated().filter { $0.element.isFinite }
        .map { ($0.offset, $0.element.distanceSquared(to: q)) }
        .sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
}

/// Random point sets, including sets with many exact duplicates and shared coordinates
/// (lattice-like), where k-d trees typically break.
private let coordinate = Gen.double(in: -50...50)
private let pointGen = zip(coordinate, coordinate).map { Point2($0, $1) }
private let latticePointGen = zip(Gen.int(in: -6...6), Gen.int(in: -6...6)).map { Point2(Double($0), Double($1)) }
private let pointsGen = pointGen.array(of: 0...300)
private let latticeGen = latticePointGen.array(of: 1...200)

@Suite struct KDTreeTests {
    @Test func nearestEqualsBruteForce() async {
        await propertyCheck(count: 60, input: pointsGen, pointGen) { pts, q in
            let tree = KDTree(pts)
            let ref = bruteSorted(pts, q).first
            let got = tree.nearest(to: q)
            #expect(got?.index == ref?.index)
            if let got, let ref { #expect(got.distance == ref.d2.squareRoot()) }
        }
    }

    @Test func nearestOnLatticeWithDuplicatesEqualsBruteForce() async {
        await propertyCheck(count: 60, input: latticeGen, latticePointGen) { pts, q in
            let tree = KDTree(pts)
            #expect(tree.nearest(to: q)?.index == bruteSorted(pts, q).first?.index)
            let q2 = q + Point2(0.5, 0.25)
            #expect(tree.nearest(to: q2)?.index == bruteSorted(pts, q2).first?.index)
        }
    }

    @Test func kNearestEqualsBruteForce() async {
        await propertyCheck(count: 60, input: pointsGen, pointGen, Gen.int(in: 1...40)) { pts, q, k in
            let got = KDTree(pts).nearest(to: q, k: k)
            let ref = Array(bruteSorted(pts, q).prefix(k))
            #expect(got.map(\.index) == ref.map(\.index))
            #expect(zip(got, ref).allSatisfy { $0.distance == $1.d2.squareRoot() })
        }
        await propertyCheck(count: 40, input: latticeGen, latticePointGen, Gen.int(in: 1...30)) { pts, q, k in
            let got = KDTree(pts).nearest(to: q, k: k)
            #expect(got.map(\.index) == Array(bruteSorted(pts, q).prefix(k)).map(\.index))
        }
    }

    @Test func radiusQueryEqualsBruteForce() async {
        await propertyCheck(count: 60, input: pointsGen, pointGen, Gen.double(in: 0...30)) { pts, q, r in
            let tree = KDTree(pts)
            let ref = pts.indices.filter { pts[$0].distanceSquared(to: q) <= r * r }
            #expect(tree.indices(within: r, of: q) == ref)
            #expect(tree.count(within: r, of: q) == ref.count)
        }
        // On a lattice, radii equal to exact lattice distances test the inclusive boundary.
        await propertyCheck(count: 40, input: latticeGen, latticePointGen, Gen.int(in: 0...5)) { pts, q, r in
            let radius = Double(r)
            let ref = pts.indices.filter { pts[$0].distanceSquared(to: q) <= radius * radius }
            #expect(KDTree(pts).indices(within: radius, of: q) == ref)
        }
    }

    @Test func nearestWithinMaxDistance() async {
        await propertyCheck(count: 60, input: pointsGen, pointGen, Gen.double(in: 0...20)) { pts, q, r in
            let ref = bruteSorted(pts, q).first.flatMap { $0.d2 <= r * r ? $0.index : nil }
            #expect(KDTree(pts).nearest(to: q, maxDistance: r)?.index == ref)
        }
    }

    @Test func emptyAndNonFiniteInput() {
        let empty = KDTree([])
        #expect(empty.isEmpty)
        #expect(empty.nearest(to: .zero) == nil)
        #expect(empty.nearest(to: .zero, k: 3).isEmpty)
        #expect(empty.indices(within: 10, of: .zero).isEmpty)

        let pts = [Point2(.nan, 0), Point2(1, 1), Point2(0, .infinity), Point2(2, 2)]
        let tree = KDTree(pts)
        #expect(tree.count == 2)
        #expect(tree.nearest(to: .zero)?.index == 1)
        #expect(tree.nearest(to: .zero, k: 10).map(\.index) == [1, 3])
        #expect(tree.indices(within: 100, of: .zero) == [1, 3])
        #expect(tree.nearest(to: Point2(.nan, 0)) == nil)
        #expect(tree.indices(within: .nan, of: .zero).isEmpty)
        #expect(tree.nearest(to: .zero, k: 0).isEmpty)
    }

    @Test func largeSetBuildsAndQueries() {
        var rng = SeededGenerator(seed: 7)
        let pts = (0..<20_000).map { _ in Point2(rng.uniform(0, 1000), rng.uniform(0, 1000)) }
        let tree = KDTree(pts)
        for _ in 0..<50 {
            let q = Point2(rng.uniform(-10, 1010), rng.uniform(-10, 1010))
            #expect(tree.nearest(to: q)?.index == bruteSorted(pts, q).first?.index)
        }
    }
}

@Suite struct MutualNearestPairsTests {
    @Test func pairsAreMutualNearestAndWithinReach() async {
        await propertyCheck(count: 30, input: pointsGen, pointsGen, Gen.double(in: 0...15)) { model, image, r in
            let pairs = mutualNearestPairs(model: model, image: image, maxDistance: r)
            // One-to-one.
            #expect(Set(pairs.map(\.model)).count == pairs.count)
            #expect(Set(pairs.map(\.image)).count == pairs.count)
            // Exactly the brute-force mutual nearest pairs within r.
            var ref: [PointPair] = []
            for i in model.indices where model[i].isFinite {
                guard let j = bruteSorted(image, model[i]).first, j.d2 <= r * r else { continue }
                if bruteSorted(model, image[j.index]).first?.index == i { ref.append(PointPair(model: i, image: j.index)) }
            }
            #expect(pairs == ref)
        }
    }

    @Test func symmetricUnderSwappingSets() async {
        await propertyCheck(count: 40, input: pointsGen, pointsGen) { a, b in
            let ab = mutualNearestPairs(model: a, image: b, maxDistance: 10)
            let ba = mutualNearestPairs(model: b, image: a, maxDistance: 10)
            #expect(Set(ab) == Set(ba.map { PointPair(model: $0.image, image: $0.model) }))
        }
    }

    @Test func recoversPermutationOfJitteredSet() {
        var rng = SeededGenerator(seed: 3)
        let model = (0..<400).map { i in Point2(Double(i % 20), Double(i / 20)) }
        let perm = Array(model.indices).shuffled(using: &rng)
        let image = perm.map { model[$0] + Point2(rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)) }
        let pairs = mutualNearestPairs(model: model, image: image, maxDistance: 0.4)
        #expect(pairs.count == 400)
        #expect(pairs.allSatisfy { perm[$0.image] == $0.model })
        #expect(mutualNearestPairs(model: model, image: image, maxDistance: -1).isEmpty)
    }
}
