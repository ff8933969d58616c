/// How a filter or warp reads samples outside the image.
///
/// Names follow OpenCV's `BORDER_*` constants so that results can be compared with
/// `cv2.GaussianBlur`/`cv2.warpPerspective`; a row `abcdefgh` is extended as shown.
public enum BorderMode: Hashable, Sendable {
    /// `gfedcb|abcdefgh|gfedcba` — mirror about the edge pixel, which is not repeated
    /// (OpenCV `BORDER_REFLECT_101`, OpenCV's default; scipy's `mirror`). The default of every
    /// filter in AnchorReg because it keeps a smooth image smooth across the edge without
    /// doubling the edge sample.
    case reflect101
    /// `fedcba|abcdefgh|hgfedcb` — mirror with the edge pixel repeated (OpenCV `BORDER_REFLECT`;
    /// scipy's `reflect`).
    case reflect
    /// `aaaaaa|abcdefgh|hhhhhhh` — repeat the edge pixel (OpenCV `BORDER_REPLICATE`).
    case replicate
    /// `vvvvvv|abcdefgh|vvvvvvv` — a constant value outside (OpenCV `BORDER_CONSTANT`).
    case constant(Float)

    /// The in-range index that stands for index `i` of a row of `n` samples, or `nil` for
    /// `.constant` when `i` is outside `0..<n`. Handles any distance from the edge (a kernel
    /// wider than the image reflects repeatedly), as OpenCV's `borderInterpolate` does.
    @inlinable
    public func sourceIndex(_ i: Int, count n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        switch self {
        case .constant:
            return nil
        case .replicate:
            return i < 0 ? 0 : n - 1
        case .reflect:
            let period = 2 * n
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - 1 - m
        case .reflect101:
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - m
        }
    }
}
