/// A serialised Gwyddion object (GWY format): a type name and its named components.
///
/// This is the generic tree `GwyddionGWY` parses and writes; `GwyContainer`,
/// `GwyDataField`, `GwySIUnit` and any other type are all represented by it.
public struct GwyObject: Sendable, Equatable {
    /// The object's GType name, e.g. "GwyContainer", "GwyDataField" (a C identifier).
    public var typeName: String
    /// Components in file order (the format leaves order free; names are unique in
    /// practice and `subscript` returns the first match).
    public var components: [GwyComponent]

    public init(typeName: String, components: [GwyComponent] = []) {
        self.typeName = typeName
        self.components = components
    }

    /// The value of the first component called `name`.
    public subscript(name: String) -> GwyValue? {
        components.first(where: { $0.name == name })?.value
    }
}

/// One named component of a `GwyObject`.
public struct GwyComponent: Sendable, Equatable {
    public var name: String
    public var value: GwyValue
    public init(_ name: String, _ value: GwyValue) {
        self.name = name
        self.value = value
    }
}

/// Every component type of the GWY format, with its type character.
public indirect enum GwyValue: Sendable, Equatable {
    /// `b`: one byte, nonzero = true.
    case bool(Bool)
    /// `c`: one byte.
    case char(UInt8)
    /// `i`: little-endian int32.
    case int32(Int32)
    /// `q`: little-endian int64.
    case int64(Int64)
    /// `d`: little-endian IEEE double (finite in a valid file).
    case double(Double)
    /// `s`: NUL-terminated UTF-8.
    case string(String)
    /// `o`: a nested object.
    case object(GwyObject)
    /// `C`: uint32 count, then bytes (not NUL-terminated).
    case charArray([UInt8])
    /// `I`: uint32 count, then int32s.
    case int32Array([Int32])
    /// `Q`: uint32 count, then int64s.
    case int64Array([Int64])
    /// `D`: uint32 count, then doubles.
    case doubleArray([Double])
    /// `S`: uint32 count, then NUL-terminated strings.
    case stringArray([String])
    /// `O`: uint32 count, then objects.
    case objectArray([GwyObject])

    /// The format's type character.
    public var typeCharacter: UInt8 {
        switch self {
        case .bool: return UInt8(ascii: "b")
        case .char: return UInt8(ascii: "c")
        case .int32: return UInt8(ascii: "i")
        case .int64: return UInt8(ascii: "q")
        case .double: return UInt8(ascii: "d")
        case .string: return UInt8(ascii: "s")
        case .object: return UInt8(ascii: "o")
        case .charArray: return UInt8(ascii: "C")
        case .int32Array: return UInt8(ascii: "I")
        case .int64Array: return UInt8(ascii: "Q")
        case .doubleArray: return UInt8(ascii: "D")
        case .stringArray: return UInt8(ascii: "S")
        case .objectArray: return UInt8(ascii: "O")
        }
    }
}
