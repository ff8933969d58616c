/// The largest model AnchorReg accepts.
///
/// Real models are small: Si(111)-7×7 has 13 sites per cell, a device drawing some tens of
/// points and regions of some tens of vertices. The limits are set from the work a model
/// causes, three orders of magnitude above any real one, so that a corrupt or hostile file
/// is told so at once instead of running for minutes with growing memory (issue 14: a model
/// of 10⁶ anchors ran past 60 s). Checked when a file is read (`AnchorModel.load(_:)`,
/// `init(jsonData:)`) and by `AnchorModel.validate()`.
public enum ModelLimits {
    /// Largest model file, bytes (8 MiB: 10⁵ named points with every optional field fit).
    public static let maxFileBytes = 8 << 20
    /// Most lattice sites or shape points a model may hold.
    public static let maxPoints = 100_000
    /// Most region vertices a model may hold, summed over its regions.
    public static let maxRegionVertices = 100_000

    /// Throws `ModelError.tooLarge` when `count` exceeds `limit`.
    static func check(_ what: String, count: Int, limit: Int) throws {
        guard count <= limit else { throw ModelError.tooLarge(what: what, count: count, limit: limit) }
    }
}
