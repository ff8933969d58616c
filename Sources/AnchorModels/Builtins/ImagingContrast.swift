/// The imaging mode whose contrast a material model describes (and `synth lattice` renders).
///
/// - `stm`: constant-current STM topography, heights; bright = protruding (or high local
///   density of states).
/// - `haadf`: high-angle annular dark-field STEM (Z-contrast); columns bright, intensity
///   roughly ∝ Σ Z^1.7 over the atoms of a column (Pennycook & Jesson, PRL 64, 938 (1990);
///   Krivanek et al., Nature 464, 571 (2010)).
/// - `abf`: annular bright-field STEM; columns dark on a bright background, light atoms
///   (O, N, B) visible, depth roughly ∝ Σ Z^(1/3) (Findlay et al., Ultramicroscopy 110,
///   903 (2010)).
public enum ImagingContrast: String, Sendable, Hashable, CaseIterable, Codable {
    case stm, haadf, abf
}
