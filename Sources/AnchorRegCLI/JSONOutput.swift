import AnchorModels
import Foundation

/// JSON for `--json` modes and result files.
///
/// `encode` / `print`: Foundation's encoder, sorted keys, pretty printed, slashes unescaped.
/// `encodeStreaming` / `printStreaming`: the one-pass `StreamingJSONEncoder` (same keys and
/// layout; struct keys in declaration order) for large results — result.json of a frame,
/// `fit` batches — where building Foundation's tree costs more than the analysis.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    /// Prints `value` as JSON on standard output.
    public static func print<T: Encodable>(_ value: T) throws {
        let data = try encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// `value` as pretty-printed JSON (or one line with `pretty: false`) from the streaming encoder.
    public static func encodeStreaming<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        Data(try StreamingJSONEncoder(pretty: pretty).encode(value))
    }

    /// Prints `value` on standard output through the streaming encoder.
    public static func printStreaming<T: Encodable>(_ value: T) throws {
        var bytes = try StreamingJSONEncoder().encode(value)
        bytes.append(0x0A)
        FileHandle.standardOutput.write(Data(bytes))
    }
}
