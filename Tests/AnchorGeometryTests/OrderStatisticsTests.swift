import Testing
@testable import AnchorGeometry

@Suite struct OrderStatisticsTests {
    /// Every rank equals the sorted array's element there and splits the buffer around it, also
    /// with many ties (exact data gives runs of equal residuals).
    @Test(arguments: [1, 2, 7, 64, 301])
    func selectEqualsSortedAndPartitions(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        for ties in [false, true] {
            let values = (0..<count).map { _ in
                ties ? Double(Int.random(in: 0..<4, using: &rng)) : Double.random(in: -5...5, using: &rng)
            }
            let sorted = values.sorted()
            for k in Set([0, count / 2, count - 1, (count - 1) / 3]) {
                var work = values
                let v = work.withUnsafeMutableBufferPointer { OrderStatistics.select(in: $0, rank: k) }
                #expect(v == sorted[k])
                #expect(work[..<k].allSatisfy { $0 <= v })
                #expect(work[(k + 1)...].allSatisfy { $0 >= v })
                #expect(work.sorted() == sorted)
            }
        }
    }
}
