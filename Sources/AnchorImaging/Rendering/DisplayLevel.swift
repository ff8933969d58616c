/// The display level 0…`top` nearest to `f` (clamped; NaN gives 0), halves rounded up.
///
/// Why not `f.rounded()`: on the x86-64 baseline that is a call to `roundf` per pixel, 1.5 ms of
/// a 512² frame's outputs; adding ½ and truncating is two instructions. The two differ only
/// for `f` within one float ulp below a half, where the sum itself rounds up: a level that
/// no one can tell apart.
@inline(__always) package func displayLevel(_ f: Float, top: Float = 255) -> Int {
    Int((f > 0 ? Swift.min(f, top) : 0) + 0.5)
}
