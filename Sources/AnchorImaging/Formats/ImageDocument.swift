import AnchorGeometry

/// The file formats AnchorReg reads or writes.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case png, jpeg, tiff, sxm, gwy, gsf, npy
    /// ISO 28600 "SPM data transfer format" (text `.spm`).
    case iso28600 = "spm"
    /// Headerless binary samples with a caller-given layout (ImageJ's "Import Raw").
    case raw
    /// Bruker/Veeco NanoScope (`.spm`, `.000`–`.999`).
    case nanoscope
    /// Gatan DigitalMicrograph 3 and 4.
    case dm3, dm4
    /// Igor Pro binary wave v5 (Asylum Research AFM).
    case ibw
    /// Createc STM `.dat`.
    case createc
    /// RHK Technology SM4.
    case sm4
    /// Omicron MATRIX: recognised so that it is refused by name; there is no reader (the
    /// scale lives in a session parameter file that is not parsed).
    case mtrx
}

/// One named channel of a file: a calibrated grayscale image.
public struct ImageChannel: Sendable, Equatable {
    /// The channel's name as the file gives it (e.g. "Z (forward)", "Current (backward)"),
    /// or a generic one ("gray", "luminance") for single-channel formats.
    public var name: String
    public var image: Image

    public init(name: String, image: Image) {
        self.name = name
        self.image = image
    }
}

/// What a reader returns: every channel of the file, and for colour photographs the RGB
/// pixels kept for display (the analysis uses a luminance channel).
public struct ImageDocument: Sendable {
    public var format: ImageFormat
    public var channels: [ImageChannel]
    /// The colour image, for formats and files that carry colour (PNG/JPEG/TIFF RGB).
    public var rgb: RGBImage?
    /// Free-form key/value metadata from the header (bias, setpoint, dates, …).
    public var metadata: [String: String]

    public init(format: ImageFormat, channels: [ImageChannel], rgb: RGBImage? = nil,
                metadata: [String: String] = [:]) {
        self.format = format
        self.channels = channels
        self.rgb = rgb
        self.metadata = metadata
    }
}

/// Errors from file readers and writers. Each names the format and what is wrong, so the
/// message can be shown to a user as is ("TIFF: strip 3 is truncated (expected 4096 bytes,
/// found 1200)").
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not in any format AnchorReg reads.
    case unrecognized(String)
    /// Wrong signature for the format that was asked for.
    case badMagic(format: ImageFormat, String)
    /// The file ends before the data its header announces.
    case truncated(format: ImageFormat, String)
    /// The file is internally inconsistent (bad CRC, offsets past the end, cycles, …).
    case corrupt(format: ImageFormat, String)
    /// A valid file using a feature AnchorReg does not implement (say which).
    case unsupported(format: ImageFormat, String)
    /// The requested channel or page does not exist.
    case noSuchChannel(format: ImageFormat, requested: String, available: [String])
    /// The requested name is the prefix of several channels (Nanonis files hold a forward
    /// and a backward channel of each signal): `candidates` are their names.
    case ambiguousChannel(format: ImageFormat, requested: String, candidates: [String])
    /// I/O failure (file missing, unreadable, not writable, exists and `--force` not given).
    case io(String)

    public var description: String {
        switch self {
        case .unrecognized(let s): return "unrecognised file format: \(s)"
        case .badMagic(let f, let s): return "\(f.label): not a \(f.label) file (\(s))"
        case .truncated(let f, let s): return "\(f.label): file is truncated: \(s)"
        case .corrupt(let f, let s): return "\(f.label): file is corrupt: \(s)"
        case .unsupported(let f, let s): return "\(f.label): unsupported: \(s)"
        case .noSuchChannel(let f, let r, let a):
            return "\(f.label): no channel \"\(r)\"; available: \(a.joined(separator: ", "))"
        case .ambiguousChannel(let f, let r, let c):
            return "\(f.label): channel \"\(r)\" is ambiguous, it begins " +
                c.map { "\"\($0)\"" }.joined(separator: ", ") + "; give more of the name, e.g. --channel \"\(c[0])\""
        case .io(let s): return s
        }
    }
}

extension ImageFormat {
    /// Human-readable name used in messages.
    public var label: String {
        switch self {
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .tiff: return "TIFF"
        case .sxm: return "Nanonis SXM"
        case .gwy: return "Gwyddion GWY"
        case .gsf: return "Gwyddion GSF"
        case .npy: return "NumPy NPY"
        case .iso28600: return "ISO 28600 SPM"
        case .raw: return "raw"
        case .nanoscope: return "Bruker NanoScope"
        case .dm3: return "Gatan DM3"
        case .dm4: return "Gatan DM4"
        case .ibw: return "Igor IBW"
        case .createc: return "Createc DAT"
        case .sm4: return "RHK SM4"
        case .mtrx: return "Omicron MATRIX"
        }
    }
}
