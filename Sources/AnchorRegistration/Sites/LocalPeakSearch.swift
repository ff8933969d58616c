import AnchorGeometry
import AnchorImaging

/// Finds the intensity extremum nearest to a predicted position — how a site placed by the
/// homography (H·A of the paper, Fig. 6a) is snapped onto the atom the image actually shows,
/// with a bounded shift so that a missing atom is not replaced by its neighbour.
public enum LocalPeakSearch {
    /// A refined peak: position in image pixels (x right, y down) and the (interpolated)
    /// sample value there.
    public struct Peak: Sendable, Equatable {
        public var position: Point2
        public var value: Double
    }

    /// Searches the pixels within `radius` of `predicted` for the darkest (`dark`) or brightest
    /// sample, then refines to sub-pixel with a separable parabola through the 3×3
    /// neighbourhood. Returns `nil` when the window is empty (outside the image), the extremum
    /// lies on the window's rim (the true peak is farther than `radius`: no peak here), or the
    /// neighbourhood is not finite.
    ///
    /// - Parameters:
    ///   - image: usually a smoothed image (blur at about the atom's σ first).
    ///   - predicted: image pixels.
    ///   - radius: largest accepted shift in pixels.
    /// - Complexity: O(radius²).
    public static func refine(in image: Image, near predicted: Point2, radius: Double, dark: Bool) -> Peak? {
        guard predicted.isFinite, radius >= 1 else { return nil }
        let w = image.width, h = image.height
        let x0 = max(1, Int((predicted.x - radius).rounded(.down)))
        let x1 = min(w - 2, Int((predicted.x + radius).rounded(.up)))
        let y0 = max(1, Int((predicted.y - radius).rounded(.down)))
        let y1 = min(h - 2, Int((predicted.y + radius).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return nil }
        let r2 = radius * radius
        var best = dark ? Float.infinity : -Float.infinity
        var bx = -1, by = -1
        image.pixels.withUnsafeBufferPointer { px in
            for y in y0...y1 {
                let dy = Double(y) - predicted.y
                // The row's span inside the disc, from the chord and then settled with the
                // exact per-pixel test at both ends (so rounding cannot add or drop a pixel).
                @inline(__always) func inside(_ x: Int) -> Bool {
                    let dx = Double(x) - predicted.x
                    return dx * dx + dy * dy <= r2
                }
                let half = max(0, r2 - dy * dy).squareRoot()
                var xs = max(x0, min(x1 + 1, Int((predicted.x - half).rounded(.up))))
                var xe = min(x1, max(x0 - 1, Int((predicted.x + half).rounded(.down))))
                while xs > x0 && inside(xs - 1) { xs -= 1 }
                while xs <= xe && !inside(xs) { xs += 1 }
                while xe < x1 && inside(xe + 1) { xe += 1 }
                while xe >= xs && !inside(xe) { xe -= 1 }
                guard xs <= xe else { continue }
                let row = y * w
                for x in xs...xe {
                    let v = px[row + x]
                    guard v.isFinite else { continue }
                    if dark ? v < best : v > best {
                        best = v
                        bx = x
                        by = y
                    }
                }
            }
        }
        guard bx >= 0 else { return nil }
        // On the rim: the extremum continues outside the window.
        let rimDistance = Point2(Double(bx), Double(by)).distance(to: predicted)
        if rimDistance > radius - 1 {
            var interiorBetter = true
            for (nx, ny) in [(bx - 1, by), (bx + 1, by), (bx, by - 1), (bx, by + 1)] {
                let v = image.pixels[ny * w + nx]
                if dark ? v < best : v > best { interiorBetter = false }
            }
            if !interiorBetter { return nil }
        }
        let c = Double(best)
        let l = Double(image.pixels[by * w + bx - 1]), r = Double(image.pixels[by * w + bx + 1])
        let u = Double(image.pixels[(by - 1) * w + bx]), d = Double(image.pixels[(by + 1) * w + bx])
        guard l.isFinite, r.isFinite, u.isFinite, d.isFinite else { return nil }
        let denX = l - 2 * c + r, denY = u - 2 * c + d
        let ox = abs(denX) > 1e-20 ? max(-0.5, min(0.5, 0.5 * (l - r) / denX)) : 0
        let oy = abs(denY) > 1e-20 ? max(-0.5, min(0.5, 0.5 * (u - d) / denY)) : 0
        let value = c - 0.25 * ((l - r) * ox + (u - d) * oy)
        return Peak(position: Point2(Double(bx) + ox, Double(by) + oy), value: value)
    }
}
