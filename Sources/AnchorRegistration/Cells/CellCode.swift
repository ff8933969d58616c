import AnchorModels

/// The paper's feature vector of one half unit cell (Fig. 6b–c): one bit per object site of
/// the half, in site-number order, 1 = atom present, 0 = defect.
public struct CellCode: Sendable, Codable, Equatable, Hashable {
    public var cell: CellIndex
    /// The model group (e.g. "A" / "B").
    public var group: String
    /// "faulted" / "unfaulted" when the frame's halves were decided.
    public var half: String?
    /// E.g. "101111": site 1 first.
    public var bits: String

    /// Number of defects (zeros) in the code.
    public var defects: Int { bits.filter { $0 == "0" }.count }
}

extension CellCode {
    /// Codes of every half cell whose sites were all located in the frame (partial halves at
    /// the frame edge are left out: a missing bit is not a defect).
    ///
    /// - Parameter sitesPerGroup: how many numbered sites a complete half has (6 for
    ///   Si(111)-7×7).
    public static func codes(from sites: [LocatedSite], sitesPerGroup: Int) -> [CellCode] {
        var table: [CellIndex: [String: [Int: LocatedSite]]] = [:]
        for s in sites {
            guard let g = s.group, let k = s.index else { continue }
            table[s.cell, default: [:]][g, default: [:]][k] = s
        }
        var out: [CellCode] = []
        for (cell, groups) in table {
            for (group, members) in groups where members.count == sitesPerGroup {
                let ordered = (1...sitesPerGroup).compactMap { members[$0] }
                guard ordered.count == sitesPerGroup else { continue }
                out.append(CellCode(cell: cell, group: group, half: ordered[0].half,
                                    bits: String(ordered.map { $0.present ? "1" : "0" })))
            }
        }
        return out.sorted { ($0.cell, $0.group) < ($1.cell, $1.group) }
    }
}
