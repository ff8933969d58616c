import Foundation
import AnchorGeometry

/// Gwyddion native files (`.gwy`, GWYP serialisation) — read and write.
///
/// Layout (Gwyddion user guide, "Format of Gwyddion Files"; all little-endian): the magic
/// `GWYP`, then one serialised object, normally a `GwyContainer`. An object is its type
/// name (NUL-terminated), a uint32 byte count of its components, then the components back
/// to back; a component is its name (NUL-terminated), a type character (`b c i q d s o`,
/// arrays `C I Q D S O` with a uint32 count) and the value. Images are `GwyDataField`
/// objects stored at container keys `/N/data` with their titles at `/N/data/title`.
public enum GwyddionGWY {
    static let format = ImageFormat.gwy

    /// Deepest object nesting accepted. Real files nest 3–4 levels (container → data
    /// field → SI unit, metadata containers); the bound keeps a hostile file that nests
    /// objects inside themselves from exhausting the stack.
    public static let maxDepth = 32

    // MARK: - Reading

    /// Parses a `.gwy` file and returns every data field as a channel.
    ///
    /// - Returns: one channel per `/N/data` `GwyDataField`, in increasing N, named by
    ///   `/N/data/title` (or "Channel N"). Lateral calibration in nanometres when
    ///   `si_unit_xy` is a length unit (Gwyddion stores metres), otherwise `pixelSize == nil`
    ///   and `unit == .none`; values as stored (doubles rounded to Float), `valueUnit` from
    ///   `si_unit_z`. Metadata: `gwy.channel.N.title` and, for string-valued container keys
    ///   such as `/filename`, the key and value.
    /// - Throws: `.badMagic` (also for the obsolete `GWYO`), `.truncated`/`.corrupt` for sizes
    ///   that run past their parent or the file, nesting deeper than `maxDepth`, a `data`
    ///   array whose count ≠ xres·yres, non-finite reals, missing fields;
    ///   `.unsupported` for images over `options.maxPixels`; `.noSuchChannel` when the file
    ///   has no data field.
    /// - Complexity: O(file size).
    public static func read(data: Data, options: ImageReadOptions = .init()) throws -> ImageDocument {
        try SampleDecoding.requireSinglePage(options, format: format)
        let root = try parse(data: data)
        guard root.typeName == "GwyContainer" else {
            throw FormatError.unsupported(format: format, "top-level object is \(root.typeName), expected GwyContainer")
        }
        var fields: [(Int, GwyObject)] = []
        var titles: [Int: String] = [:]
        var metadata: [String: String] = [:]
        for c in root.components {
            if let n = channelIndex(c.name, suffix: "/data"), case .object(let o) = c.value, o.typeName == "GwyDataField" {
                fields.append((n, o))
            } else if let n = channelIndex(c.name, suffix: "/data/title"), case .string(let s) = c.value {
                titles[n] = s
            } else if case .string(let s) = c.value {
                metadata[c.name] = s
            }
        }
        fields.sort { $0.0 < $1.0 }
        guard !fields.isEmpty else {
            throw FormatError.noSuchChannel(format: format, requested: "/N/data (any GwyDataField)", available: [])
        }
        var channels: [ImageChannel] = []
        for (n, field) in fields {
            let image = try dataField(field, key: "/\(n)/data", maxPixels: options.maxPixels)
            let title = titles[n] ?? "Channel \(n)"
            metadata["gwy.channel.\(n).title"] = title
            channels.append(ImageChannel(name: title, image: image))
        }
        return ImageDocument(format: format, channels: channels, metadata: metadata)
    }

    /// Converts a `GwyDataField` object to an `Image` (see `read`).
    public static func dataField(_ o: GwyObject, key: String = "GwyDataField",
                                 maxPixels: Int = Image.defaultMaxPixels) throws -> Image {
        guard case .int32(let xr)? = o["xres"], case .int32(let yr)? = o["yres"] else {
            throw FormatError.corrupt(format: format, "\(key): xres/yres missing or not int32")
        }
        let xres = Int(xr), yres = Int(yr)
        guard xres > 0, yres > 0 else {
            throw FormatError.corrupt(format: format, "\(key): xres×yres = \(xres)×\(yres) is not positive")
        }
        let (n, ovf) = xres.multipliedReportingOverflow(by: yres)
        guard !ovf, n <= maxPixels else {
            throw FormatError.unsupported(
                format: format, "\(key): \(xres)×\(yres) is more than \(maxPixels) pixels; refused to protect memory")
        }
        guard case .doubleArray(let values)? = o["data"] else {
            throw FormatError.corrupt(format: format, "\(key): data array missing or not of doubles")
        }
        guard values.count == n else {
            throw FormatError.corrupt(
                format: format, "\(key): data has \(values.count) values, xres·yres = \(xres)·\(yres) = \(n)")
        }
        func real(_ name: String) -> Double? {
            if case .double(let v)? = o[name] { return v }
            return nil
        }
        let xreal = real("xreal") ?? 1, yreal = real("yreal") ?? 1
        var pixelSize: PixelSize? = nil
        var unit = LengthUnit.none
        if let u = unitString(o["si_unit_xy"]), let lu = LengthUnit(parsing: u), lu != .none,
           xreal > 0, yreal > 0,
           let wx = SampleDecoding.nanometres(xreal, from: lu), let wy = SampleDecoding.nanometres(yreal, from: lu) {
            pixelSize = PixelSize(x: wx / Double(xres), y: wy / Double(yres))
            unit = .nanometre
        }
        let z = unitString(o["si_unit_z"]).flatMap { $0.isEmpty ? nil : $0 }
        return try Image(width: xres, height: yres, pixels: values.map { Float($0) },
                         pixelSize: pixelSize, unit: unit, valueUnit: z, maxPixels: maxPixels)
    }

    private static func unitString(_ v: GwyValue?) -> String? {
        if case .object(let u)? = v, case .string(let s)? = u["unitstr"] { return s }
        return nil
    }

    private static func channelIndex(_ key: String, suffix: String) -> Int? {
        guard key.hasPrefix("/"), key.hasSuffix(suffix) else { return nil }
        let mid = key.dropFirst().dropLast(suffix.count)
        guard !mid.isEmpty, mid.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(mid) else { return nil }
        return n
    }

    /// Parses the GWYP container into a generic object tree.
    /// - Throws: see `read`. Trailing bytes after the top-level object are a `.corrupt` error.
    public static func parse(data: Data) throws -> GwyObject {
        let bytes = [UInt8](data)
        if bytes.starts(with: Array("GWYO".utf8)) {
            throw FormatError.badMagic(format: format, "old GWYO serialisation (Gwyddion 1.x) is not supported; resave with Gwyddion 2")
        }
        guard bytes.starts(with: Array("GWYP".utf8)) else {
            throw FormatError.badMagic(format: format, "missing GWYP magic")
        }
        var p = Parser(bytes: bytes, pos: 4)
        let root = try p.object(end: bytes.count, depth: 0)
        guard p.pos == bytes.count else {
            throw FormatError.corrupt(format: format, "\(bytes.count - p.pos) bytes after the top-level object")
        }
        return root
    }

    struct Parser {
        let bytes: [UInt8]
        var pos: Int

        mutating func object(end: Int, depth: Int) throws -> GwyObject {
            guard depth < GwyddionGWY.maxDepth else {
                throw FormatError.corrupt(format: format, "objects nested deeper than \(GwyddionGWY.maxDepth) levels at byte \(pos)")
            }
            let start = pos
            let name = try cString(end: end, what: "object name")
            guard isIdentifier(name) else {
                throw FormatError.corrupt(format: format, "object name at byte \(start) is not a type name")
            }
            let size = Int(try u32(end: end, what: "size of \(name)"))
            guard size <= end - pos else {
                throw FormatError.truncated(
                    format: format, "\(name) at byte \(start) claims \(size) bytes, only \(end - pos) remain in its parent")
            }
            let objEnd = pos + size
            var comps: [GwyComponent] = []
            while pos < objEnd {
                comps.append(try component(end: objEnd, depth: depth, owner: name))
            }
            return GwyObject(typeName: name, components: comps)
        }

        mutating func component(end: Int, depth: Int, owner: String) throws -> GwyComponent {
            let start = pos
            let name = try cString(end: end, what: "component name in \(owner)")
            guard pos < end else {
                throw FormatError.truncated(format: format, "component \(owner).\(name) has no type at byte \(pos)")
            }
            let t = bytes[pos]
            pos += 1
            let ctx = "\(owner).\(name)"
            let v: GwyValue
            switch t {
            case UInt8(ascii: "b"): v = .bool(bytes[try fixed(1, end: end, ctx)] != 0)
            case UInt8(ascii: "c"): v = .char(bytes[try fixed(1, end: end, ctx)])
            case UInt8(ascii: "i"): v = .int32(Int32(bitPattern: try u32(end: end, what: ctx)))
            case UInt8(ascii: "q"): v = .int64(Int64(bitPattern: try u64(end: end, what: ctx)))
            case UInt8(ascii: "d"):
                let d = Double(bitPattern: try u64(end: end, what: ctx))
                guard d.isFinite else {
                    throw FormatError.corrupt(format: format, "\(ctx) is a non-finite real (\(d))")
                }
                v = .double(d)
            case UInt8(ascii: "s"): v = .string(try cString(end: end, what: ctx))
            case UInt8(ascii: "o"): v = .object(try object(end: end, depth: depth + 1))
            case UInt8(ascii: "C"):
                let n = try count(end: end, itemSize: 1, ctx)
                v = .charArray(Array(bytes[pos..<(pos + n)]))
                pos += n
            case UInt8(ascii: "I"):
                let n = try count(end: end, itemSize: 4, ctx)
                v = .int32Array((0..<n).map { _ in Int32(bitPattern: rawU32()) })
            case UInt8(ascii: "Q"):
                let n = try count(end: end, itemSize: 8, ctx)
                v = .int64Array((0..<n).map { _ in Int64(bitPattern: rawU64()) })
            case UInt8(ascii: "D"):
                let n = try count(end: end, itemSize: 8, ctx)
                let s = pos
                let arr = bytes.withUnsafeBytes { raw in
                    (0..<n).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: s + 8 * $0, as: UInt64.self))) }
                }
                pos += 8 * n
                v = .doubleArray(arr)
            case UInt8(ascii: "S"):
                // Each string takes at least its NUL byte, so the count is bounded by the bytes left.
                let n = try count(end: end, itemSize: 1, ctx)
                var arr: [String] = []
                for _ in 0..<n { arr.append(try cString(end: end, what: ctx)) }
                v = .stringArray(arr)
            case UInt8(ascii: "O"):
                // Each object takes at least a 2-byte name and a 4-byte size.
                let n = try count(end: end, itemSize: 6, ctx)
                var arr: [GwyObject] = []
                for _ in 0..<n { arr.append(try object(end: end, depth: depth + 1)) }
                v = .objectArray(arr)
            default:
                throw FormatError.corrupt(
                    format: format, "component \(ctx) at byte \(start) has unknown type 0x\(String(t, radix: 16))")
            }
            return GwyComponent(name, v)
        }

        mutating func cString(end: Int, what: String) throws -> String {
            var i = pos
            while i < end, bytes[i] != 0 { i += 1 }
            guard i < end else {
                throw FormatError.truncated(format: format, "\(what) at byte \(pos) is not NUL-terminated within its object")
            }
            let s = String(decoding: bytes[pos..<i], as: UTF8.self)
            pos = i + 1
            return s
        }

        /// Consumes `n` bytes, returning the index of the first.
        mutating func fixed(_ n: Int, end: Int, _ what: String) throws -> Int {
            guard end - pos >= n else {
                throw FormatError.truncated(format: format, "\(what) at byte \(pos) runs past the end of its object")
            }
            defer { pos += n }
            return pos
        }

        mutating func u32(end: Int, what: String) throws -> UInt32 {
            _ = try fixed(4, end: end, what)
            pos -= 4
            return rawU32()
        }

        mutating func u64(end: Int, what: String) throws -> UInt64 {
            _ = try fixed(8, end: end, what)
            pos -= 8
            return rawU64()
        }

        /// Array count, checked so that `count · itemSize` bytes remain before `end`.
        mutating func count(end: Int, itemSize: Int, _ what: String) throws -> Int {
            let n = Int(try u32(end: end, what: "count of \(what)"))
            guard n <= (end - pos) / itemSize else {
                throw FormatError.truncated(
                    format: format, "array \(what) claims \(n) items, only \(end - pos) bytes remain in its object")
            }
            return n
        }

        private mutating func rawU32() -> UInt32 {
            let v = UInt32(bytes[pos]) | UInt32(bytes[pos + 1]) << 8 | UInt32(bytes[pos + 2]) << 16 | UInt32(bytes[pos + 3]) << 24
            pos += 4
            return v
        }

        private mutating func rawU64() -> UInt64 {
            let lo = UInt64(rawU32())
            let hi = UInt64(rawU32())
            return lo | hi << 32
        }

        private func isIdentifier(_ s: String) -> Bool {
            guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
            return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        }
    }

    // MARK: - Writing

    /// Serialises `object` in GWYP form (magic included).
    /// - Complexity: O(output size); sizes are computed bottom-up.
    public static func serialize(_ object: GwyObject) -> Data {
        var out: [UInt8] = Array("GWYP".utf8)
        append(object, to: &out)
        return Data(out)
    }

    /// A `.gwy` file holding `channels` as `/0/data`, `/1/data`, … with their names as
    /// titles, lateral sizes in metres (`si_unit_xy = m`) when calibrated (otherwise the
    /// pixel counts and an empty unit), values as doubles in the SI base unit of
    /// `valueUnit` (see `dataFieldObject`).
    ///
    /// Gwyddion has no missing values in a data field: a channel with non-finite samples
    /// (the empty corners of a corrected image) gets them replaced by the mean of its finite
    /// samples, as Gwyddion's own importers do, and a mask `/N/mask` (1 where a sample was
    /// missing, 0 elsewhere) that Gwyddion shows over the image and excludes from its
    /// statistics.
    public static func write(channels: [ImageChannel]) -> Data {
        var comps: [GwyComponent] = []
        for (n, ch) in channels.enumerated() {
            var image = ch.image
            let missing = image.pixels.map { !$0.isFinite }
            let hasMissing = missing.contains(true)
            if hasMissing {
                var sum = 0.0, count = 0
                for v in image.pixels where v.isFinite { sum += Double(v); count += 1 }
                let fill = count > 0 ? Float(sum / Double(count)) : 0
                for i in image.pixels.indices where missing[i] { image.pixels[i] = fill }
            }
            comps.append(GwyComponent("/\(n)/data", .object(dataFieldObject(image))))
            comps.append(GwyComponent("/\(n)/data/title", .string(ch.name)))
            if hasMissing, var mask = try? Image(width: image.width, height: image.height,
                                                 pixels: missing.map { $0 ? 1 : 0 }, pixelSize: image.pixelSize, unit: image.unit) {
                mask.valueUnit = nil
                comps.append(GwyComponent("/\(n)/mask", .object(dataFieldObject(mask))))
            }
        }
        return serialize(GwyObject(typeName: "GwyContainer", components: comps))
    }

    /// A `.gwy` file with one data field.
    public static func write(_ image: Image, title: String) -> Data {
        write(channels: [ImageChannel(name: title, image: image)])
    }

    /// The `GwyDataField` object for `image` (see `write(channels:)`).
    ///
    /// Gwyddion keeps SI base units and drops a prefix it finds in a stored `unitstr`, so
    /// values are written in the base unit of `valueUnit` (`ValueUnit`): an image in nm is
    /// written ×10⁻⁹ with `si_unit_z = m`, one in pA ×10⁻¹² with `A`. A value unit that is
    /// not SI is written as it is, unscaled; no value unit gives an empty `si_unit_z`.
    public static func dataFieldObject(_ image: Image) -> GwyObject {
        let z = image.valueUnit.map { ValueUnit(parsing: $0) }
        let scale = z?.factorToBase ?? 1
        var xreal = Double(image.width), yreal = Double(image.height), xy = ""
        if let ps = image.pixelSize, let f = image.unit.factor(to: .metre),
           (Double(image.width) * ps.x * f).isFinite, (Double(image.height) * ps.y * f).isFinite {
            xreal = Double(image.width) * ps.x * f
            yreal = Double(image.height) * ps.y * f
            xy = "m"
        }
        return GwyObject(typeName: "GwyDataField", components: [
            GwyComponent("xres", .int32(Int32(clamping: image.width))),
            GwyComponent("yres", .int32(Int32(clamping: image.height))),
            GwyComponent("xreal", .double(xreal)),
            GwyComponent("yreal", .double(yreal)),
            GwyComponent("si_unit_xy", .object(GwyObject(typeName: "GwySIUnit", components: [GwyComponent("unitstr", .string(xy))]))),
            GwyComponent("si_unit_z", .object(GwyObject(typeName: "GwySIUnit", components: [GwyComponent("unitstr", .string(z?.base ?? ""))]))),
            GwyComponent("data", .doubleArray(image.pixels.map { Double($0) * scale })),
        ])
    }

    private static func append(_ o: GwyObject, to out: inout [UInt8]) {
        appendCString(o.typeName, to: &out)
        let sizeAt = out.count
        out.append(contentsOf: [0, 0, 0, 0])
        for c in o.components {
            appendCString(c.name, to: &out)
            out.append(c.value.typeCharacter)
            switch c.value {
            case .bool(let b): out.append(b ? 1 : 0)
            case .char(let ch): out.append(ch)
            case .int32(let i): appendU32(UInt32(bitPattern: i), to: &out)
            case .int64(let i): appendU64(UInt64(bitPattern: i), to: &out)
            case .double(let d): appendU64(d.bitPattern, to: &out)
            case .string(let s): appendCString(s, to: &out)
            case .object(let child): append(child, to: &out)
            case .charArray(let a): appendU32(UInt32(a.count), to: &out); out.append(contentsOf: a)
            case .int32Array(let a): appendU32(UInt32(a.count), to: &out); for i in a { appendU32(UInt32(bitPattern: i), to: &out) }
            case .int64Array(let a): appendU32(UInt32(a.count), to: &out); for i in a { appendU64(UInt64(bitPattern: i), to: &out) }
            case .doubleArray(let a): appendU32(UInt32(a.count), to: &out); for d in a { appendU64(d.bitPattern, to: &out) }
            case .stringArray(let a): appendU32(UInt32(a.count), to: &out); for s in a { appendCString(s, to: &out) }
            case .objectArray(let a): appendU32(UInt32(a.count), to: &out); for child in a { append(child, to: &out) }
            }
        }
        let size = UInt32(truncatingIfNeeded: out.count - sizeAt - 4)
        for k in 0..<4 { out[sizeAt + k] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(k))) }
    }

    private static func appendCString(_ s: String, to out: inout [UInt8]) {
        // An embedded NUL would end the string early; drop it.
        out.append(contentsOf: s.utf8.filter { $0 != 0 })
        out.append(0)
    }

    private static func appendU32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16)); out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private static func appendU64(_ v: UInt64, to out: inout [UInt8]) {
        appendU32(UInt32(truncatingIfNeeded: v), to: &out)
        appendU32(UInt32(truncatingIfNeeded: v >> 32), to: &out)
    }
}
