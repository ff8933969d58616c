import Foundation

/// Relative STEM column signals from atomic numbers: the usual power laws, normalised so the
/// strongest column has |signal| 1.
///
/// - HAADF: Σ Z^1.7 over the atoms of a column (Pennycook & Jesson, PRL 64, 938 (1990);
///   the exponent 1.7 as in Krivanek et al., Nature 464, 571 (2010)). Bright peaks.
/// - ABF: −Σ Z^(1/3) (Findlay et al., Ultramicroscopy 110, 903 (2010)). Dark dips.
///
/// These are first-order rules for thin specimens, not a multislice simulation: good for
/// which column is brighter and by roughly how much.
enum ColumnSignal {
    /// `columns` maps a site name to the atomic numbers stacked in that column.
    static func table(_ columns: [String: [Int]], contrast: ImagingContrast) -> [String: Double] {
        let exponent: Double, sign: Double
        switch contrast {
        case .haadf: exponent = 1.7; sign = 1
        case .abf: exponent = 1.0 / 3; sign = -1
        case .stm: preconditionFailure("STM contrast is not a function of Z")
        }
        let raw = columns.mapValues { zs in zs.reduce(0.0) { $0 + pow(Double($1), exponent) } }
        let top = raw.values.max() ?? 1
        return raw.mapValues { sign * $0 / top }
    }

    /// HAADF and ABF tables for `columns`, plus the given STM table.
    static func tables(_ columns: [String: [Int]], stm: [String: Double]) -> [ImagingContrast: [String: Double]] {
        [.haadf: table(columns, contrast: .haadf), .abf: table(columns, contrast: .abf), .stm: stm]
    }
}
