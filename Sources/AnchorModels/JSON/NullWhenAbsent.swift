/// An optional property that a synthesized `Encodable` writes as JSON `null` when it is nil,
/// instead of leaving its key out — so that every key of a result file is always present and
/// a reader can tell "absent" from "not written by this version".
///
/// Use: `@NullWhenAbsent public var file_pixel_size: [Double]?`. Reading and writing the
/// property is unchanged; only its encoding differs.
@propertyWrapper
public struct NullWhenAbsent<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension NullWhenAbsent: Equatable where Value: Equatable {}
extension NullWhenAbsent: Hashable where Value: Hashable {}

/// Decoding accepts `null` and, for files written before the key existed, a missing key.
extension NullWhenAbsent: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// Chosen by synthesized `Decodable` for `@NullWhenAbsent` properties: a missing key
    /// decodes as nil, as it would for a plain optional.
    public func decode<T: Decodable & Sendable>(_ type: NullWhenAbsent<T>.Type, forKey key: Key) throws -> NullWhenAbsent<T> {
        NullWhenAbsent(wrappedValue: try decodeIfPresent(T.self, forKey: key))
    }
}
