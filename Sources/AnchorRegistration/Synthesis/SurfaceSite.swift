import AnchorModels

/// One site of the synthetic surface: a global cell and the index of the site in the model's
/// unit cell (`LatticeModel.sites`).
public struct SurfaceSite: Sendable, Hashable, Codable {
    public var cell: CellIndex
    public var site: Int
    public init(cell: CellIndex, site: Int) {
        self.cell = cell
        self.site = site
    }
}
