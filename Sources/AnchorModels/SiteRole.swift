/// What a point of an anchor model is for.
///
/// *Anchors* (the paper's P_m) are matched to points detected in the image and determine the
/// homography; *objects* are the sites to localise once the homography is known (e.g. the
/// adatoms of Si(111)-7×7, placed through H·A from their positions in the unit cell).
public enum SiteRole: String, Codable, Sendable, CaseIterable {
    case anchor
    case object
}
