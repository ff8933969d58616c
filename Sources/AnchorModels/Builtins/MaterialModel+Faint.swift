extension MaterialModel {
    /// Relative signal below which a site counts as not shown (the same 0.2 of the strongest
    /// site that the synthetic-frame evaluation calls visible).
    public static let faintSignal = 0.2

    /// Sites that no imaging mode shows in the anchors' contrast: in every mode of
    /// `siteSignal`, the site's signal is either of the other sign than a bright (dark) anchor
    /// expects or weaker than `faintSignal` of the strongest site. The pure O columns of
    /// `perovskite-110` and `perovskite-001` (HAADF 0.07 of the A column, STM 0) are such
    /// sites: the registration's motif checks cannot ask them to be bright, and `SiteLocator`
    /// cannot call them present or vacant.
    public var faintSites: Set<String> {
        let sign: Double = anchorContrast == .bright ? 1 : -1
        var shown: Set<String> = []
        for (_, table) in siteSignal {
            for (site, s) in table where sign * s >= Self.faintSignal { shown.insert(site) }
        }
        let all = Set(siteSignal.values.flatMap(\.keys))
        return all.subtracting(shown)
    }

    /// `faintSites` of the built-in material a model name refers to ("perovskite-110" or
    /// "perovskite-110:0.4"); empty for any other model (user models declare no contrast).
    public static func faintSites(ofModelNamed modelName: String) -> Set<String> {
        let base = modelName.split(separator: ":", maxSplits: 1).first.map(String.init) ?? modelName
        return named(base)?.faintSites ?? []
    }
}
