import AnchorImaging

extension LatticeRegistrar {
    /// Tile side of the periodicity check, pixels.
    static let aperiodicTile = 512
    /// Whole tiles a frame must hold for the check to be made (4 Mpx, e.g. 2048²): below
    /// that the tolerant search is quick, and the average over fewer tiles is noisier.
    static let aperiodicMinimumTiles = 16
    /// Strongest spectral bin over its ring's median below which a frame holds no periodic
    /// structure. Pure noise over ≥ 16 tiles stays near 2; a lattice the autocorrelation
    /// could find gives hundreds.
    static let aperiodicRatio = 5.0

    /// Why a large frame the standard path found no lattice in holds no periodic structure at
    /// all (`SpectralPeak` below `aperiodicRatio`), so that the tolerant path's octave search —
    /// a median background and an autocorrelation of the whole frame for every period octave,
    /// 14 s of a 4096² noise frame — need not run; nil when the frame is too small for the
    /// check or shows a peak.
    static func aperiodicReason(_ image: Image) -> String? {
        let tile = aperiodicTile
        guard (image.width / tile) * (image.height / tile) >= aperiodicMinimumTiles,
              let peak = try? SpectralPeak(image: image, tile: tile), peak.ratio < aperiodicRatio else { return nil }
        return String(format: "the frame holds no periodic structure: averaged over %d tiles of %d² px, its strongest spatial frequency (period %.1f px) has only %.2f× the median power at that frequency (a lattice gives far more than %.0f×); it looks like noise",
                      peak.tiles, tile, peak.period, peak.ratio, aperiodicRatio)
    }
}
