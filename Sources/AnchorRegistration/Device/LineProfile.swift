import AnchorGeometry
import AnchorImaging
import Foundation

/// Intensity profiles of aligned frames along a line given in model coordinates.
public struct LineProfile: Sendable, Hashable {
    /// End points in model units.
    public var start: Point2
    public var end: Point2
    /// Distance from `start` of each sample, model units.
    public var distances: [Double]
    /// Sample positions, model units.
    public var points: [Point2]
    /// Per frame, the bilinearly interpolated value at each sample (NaN outside the data).
    public var values: [[Float]]

    /// Samples `images` (all on `grid`) every grid pixel along start → end.
    /// - Throws: `DeviceError.invalidParameter` for a degenerate or non-finite line.
    public init(images: [Image], grid: OutputGrid, from start: Point2, to end: Point2) throws {
        guard start.isFinite, end.isFinite, start.distance(to: end) > 0 else {
            throw DeviceError.invalidParameter(name: "profile", reason: "needs two distinct finite end points")
        }
        self.start = start
        self.end = end
        let len = start.distance(to: end)
        let n = max(2, Int((len * grid.pixelsPerUnit).rounded(.up)) + 1)
        let d = (0..<n).map { len * Double($0) / Double(n - 1) }
        let pts = d.map { Point2(start.x + (end.x - start.x) * $0 / len, start.y + (end.y - start.y) * $0 / len) }
        distances = d
        points = pts
        values = images.map { im in
            pts.map { p in im.sample(at: grid.pixel(ofModelPoint: p)) ?? .nan }
        }
    }

    /// CSV: distance, x, y, then one column per frame (header names from `frameNames`).
    public func csv(frameNames: [String], unit: String) -> String {
        var s = "distance_\(unit),x_\(unit),y_\(unit)," + frameNames.map { "\"\($0.replacingOccurrences(of: "\"", with: "'"))\"" }.joined(separator: ",") + "\n"
        for k in distances.indices {
            s += String(format: "%.6g,%.6g,%.6g", distances[k], points[k].x, points[k].y)
            for v in values { s += v[k].isFinite ? String(format: ",%.6g", Double(v[k])) : ",nan" }
            s += "\n"
        }
        return s
    }
}
