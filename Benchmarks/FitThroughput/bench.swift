// Fit-throughput and accuracy benchmark of AnchorGeometry's robust homography estimators.
// Reads point sets written by compare.py (identical samples for OpenCV), times one fit per
// set on one core, and writes the estimated homographies for the accuracy comparison.
//
// File format (little-endian float64): count S, points P, then per set: P model (x, y),
// P image (x, y). Output: S × 9 float64 (row-major H, NaN when the fit failed).
import AnchorGeometry
import Foundation

let args = CommandLine.arguments
guard args.count >= 4 else {
    FileHandle.standardError.write("usage: bench SETS.bin OUT.bin ESTIMATOR [repeats]\n".data(using: .utf8)!)
    exit(2)
}
let data = try Data(contentsOf: URL(fileURLWithPath: args[1]))
let values: [Double] = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
let sets = Int(values[0]), p = Int(values[1])
guard let estimator = HomographyEstimator(rawValue: args[3]) else { fatalError("unknown estimator \(args[3])") }
let repeats = args.count > 4 ? Int(args[4])! : 1
var models: [[Point2]] = [], images: [[Point2]] = []
var k = 2
for _ in 0..<sets {
    var m: [Point2] = [], q: [Point2] = []
    for _ in 0..<p { m.append(Point2(values[k], values[k + 1])); k += 2 }
    for _ in 0..<p { q.append(Point2(values[k], values[k + 1])); k += 2 }
    models.append(m); images.append(q)
}
var out = [Double](repeating: .nan, count: 9 * sets)
var failures = 0
var inlierTotal = 0
let clock = ContinuousClock()
var best = Duration.seconds(1e9)
for r in 0..<repeats {
    let t0 = clock.now
    for s in 0..<sets {
        if let fit = try? Homography.estimateRobust(from: models[s], to: images[s], using: estimator,
                                                      options: .init(seed: UInt64(s))) {
            if r == 0 {
                inlierTotal += fit.inlierCount
                let h = fit.homography
                out.replaceSubrange(9 * s..<9 * s + 9, with: [h.m11, h.m12, h.m13, h.m21, h.m22, h.m23, h.m31, h.m32, h.m33])
            }
        } else if r == 0 { failures += 1 }
    }
    best = min(best, clock.now - t0)
}
let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
try out.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: args[2]))
print("{\"estimator\": \"\(estimator)\", \"points\": \(p), \"sets\": \(sets), \"seconds\": \(seconds), \"fits_per_second\": \(Double(sets) / seconds), \"failures\": \(failures), \"inlier_fraction\": \(Double(inlierTotal) / Double(sets * p))}")
