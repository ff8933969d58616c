/// How a synthetic device photograph looks (issue 11): the active film's brightness against
/// the substrate and the electrodes, where the electrodes end, and grey or colour.
public struct OMPairLook: Sendable, Hashable, Codable {
    /// Brightness of the (light) active film relative to the substrate and the electrodes.
    public enum Tone: String, Sendable, Hashable, Codable, CaseIterable {
        /// Film brighter than both (a light oxide on dark Si/SiO₂, just above gold).
        case brightest
        /// Film darker than both (a dark film on a light substrate, bright metal).
        case darkest
        /// Film between a dark substrate and bright gold electrodes.
        case between
    }

    /// Where the electrodes end relative to the active square's sides.
    public enum ElectrodeEnd: String, Sendable, Hashable, Codable, CaseIterable {
        /// They stop 0.05·side short of the square (a gap of substrate).
        case short
        /// They end exactly on the sides.
        case edge
        /// They run 0.05·side into the square, over the film.
        case overlap

        /// The model's `electrodeReach` (fraction of the side) of this look.
        public var reach: Double {
            switch self {
            case .short: -0.05
            case .edge: 0
            case .overlap: 0.05
            }
        }
    }

    public var tone: Tone
    public var electrodes: ElectrodeEnd
    /// False: a grey camera (every channel the luminance of the colour look).
    public var colour: Bool

    public init(tone: Tone = .brightest, electrodes: ElectrodeEnd = .edge, colour: Bool = true) {
        self.tone = tone
        self.electrodes = electrodes
        self.colour = colour
    }

    /// A short label for tables: "between/overlap/grey".
    public var label: String { "\(tone.rawValue)/\(electrodes.rawValue)/\(colour ? "colour" : "grey")" }

    /// Every combination (3 tones × 3 electrode ends × grey/colour = 18 looks).
    public static var all: [OMPairLook] {
        Tone.allCases.flatMap { t in ElectrodeEnd.allCases.flatMap { e in [true, false].map { OMPairLook(tone: t, electrodes: e, colour: $0) } } }
    }

    /// Colours (R, G, B on 0…255) of substrate, electrode metal and light film; the dark
    /// (reduced) film is the light film darkened by `darkContrast` (more in blue: brownish).
    var palette: (substrate: (Double, Double, Double), metal: (Double, Double, Double), film: (Double, Double, Double)) {
        let p: ((Double, Double, Double), (Double, Double, Double), (Double, Double, Double))
        switch tone {
        // The look of issue 5's pairs: a light oxide just above gold in luminance.
        case .brightest: p = ((70, 82, 112), (214, 182, 96), (206, 196, 172))
        case .darkest: p = ((150, 160, 185), (225, 200, 120), (72, 70, 66))
        case .between: p = ((50, 56, 80), (225, 195, 105), (160, 150, 128))
        }
        guard !colour else { return p }
        func grey(_ c: (Double, Double, Double)) -> (Double, Double, Double) {
            let y = 0.299 * c.0 + 0.587 * c.1 + 0.114 * c.2
            return (y, y, y)
        }
        return (grey(p.0), grey(p.1), grey(p.2))
    }
}
