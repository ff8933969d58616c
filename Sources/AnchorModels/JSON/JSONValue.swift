/// A parsed JSON value, so that a model file can be checked field by field with error
/// messages that name the JSON path (Codable's own errors do not).
enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

extension JSONValue: Codable {
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Typed access to one JSON object with its path, throwing `ModelError`s.
struct JSONObjectReader {
    let fields: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws {
        guard case .object(let o) = value else {
            throw ModelError.wrongType(path: path.isEmpty ? "(top level)" : path, expected: "an object")
        }
        fields = o
        self.path = path
    }

    func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        if let v = fields[key], v != .null { return true }
        return false
    }

    func value(_ key: String) throws -> JSONValue {
        guard let v = fields[key], v != .null else { throw ModelError.missingField(path: sub(key)) }
        return v
    }

    func string(_ key: String) throws -> String {
        guard case .string(let s) = try value(key) else {
            throw ModelError.wrongType(path: sub(key), expected: "a string")
        }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    func number(_ key: String) throws -> Double {
        try Self.number(try value(key), path: sub(key))
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard has(key) else { return nil }
        let d = try number(key)
        guard d == d.rounded(), abs(d) < 1e15 else {
            throw ModelError.wrongType(path: sub(key), expected: "an integer")
        }
        return Int(d)
    }

    func point(_ key: String) throws -> (Double, Double) {
        try Self.point(try value(key), path: sub(key))
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let a) = try value(key) else {
            throw ModelError.wrongType(path: sub(key), expected: "an array")
        }
        return a
    }

    static func number(_ v: JSONValue, path: String) throws -> Double {
        switch v {
        case .number(let d):
            guard d.isFinite else { throw ModelError.nonFiniteNumber(path: path) }
            return d
        case .string(let s) where ["nan", "inf", "-inf", "infinity", "-infinity"].contains(s.lowercased()):
            throw ModelError.nonFiniteNumber(path: path)
        default:
            throw ModelError.wrongType(path: path, expected: "a number")
        }
    }

    static func point(_ v: JSONValue, path: String) throws -> (Double, Double) {
        guard case .array(let a) = v else {
            throw ModelError.wrongType(path: path, expected: "an array of 2 numbers")
        }
        guard a.count == 2 else { throw ModelError.wrongVectorLength(path: path, expected: 2, got: a.count) }
        return (try number(a[0], path: "\(path)[0]"), try number(a[1], path: "\(path)[1]"))
    }
}
