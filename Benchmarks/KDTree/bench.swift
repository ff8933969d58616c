// k-d tree benchmark of AnchorGeometry.KDTree (release, one core). Reads points and queries
// written by compare.py, times build, nearest, 8-nearest and radius queries (best of
// `repeats`), and prints one JSON object with the timings and checksums of the answers.
//
// File format (little-endian float64): N, Q, radius, N points (x, y), Q queries (x, y).
import AnchorGeometry
import Foundation

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write("usage: bench POINTS.bin [repeats]\n".data(using: .utf8)!)
    exit(2)
}
let data = try Data(contentsOf: URL(fileURLWithPath: args[1]))
let v: [Double] = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
let n = Int(v[0]), q = Int(v[1]), radius = v[2]
let points = (0..<n).map { Point2(v[3 + 2 * $0], v[4 + 2 * $0]) }
let queries = (0..<q).map { Point2(v[3 + 2 * n + 2 * $0], v[4 + 2 * n + 2 * $0]) }
let repeats = args.count > 2 ? Int(args[2])! : 5
let clock = ContinuousClock()

func best(_ body: () -> Void) -> Double {
    var b = Duration.seconds(1e9)
    for _ in 0..<repeats {
        let t0 = clock.now
        body()
        b = min(b, clock.now - t0)
    }
    return Double(b.components.seconds) + Double(b.components.attoseconds) * 1e-18
}

var tree = KDTree([])
let tBuild = best { tree = KDTree(points) }
var nnSum = 0
let tNearest = best {
    nnSum = 0
    for p in queries { nnSum &+= tree.nearest(to: p)!.index }
}
var knnSum = 0
let tKNN = best {
    knnSum = 0
    for p in queries { for r in tree.nearest(to: p, k: 8) { knnSum &+= r.index } }
}
var radiusCount = 0
let tRadius = best {
    radiusCount = 0
    for p in queries { radiusCount &+= tree.count(within: radius, of: p) }
}
print("{\"build\": \(tBuild), \"nearest\": \(tNearest), \"knn8\": \(tKNN), \"radius\": \(tRadius), "
      + "\"nn_sum\": \(nnSum), \"knn_sum\": \(knnSum), \"radius_count\": \(radiusCount)}")
