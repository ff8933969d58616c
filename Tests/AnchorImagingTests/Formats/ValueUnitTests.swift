import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// Value units: SI splitting for .gwy, ASCII escaping for the TIFF description, and the
/// writers carrying a known unit through a write–read round trip.
@Suite struct ValueUnitTests {
    @Test func splitsPrefixAndBase() {
        let cases: [(String, String, Int, Bool)] = [
            ("m", "m", 0, true), ("nm", "m", -9, true), ("Å", "m", -10, true), ("µm", "m", -6, true),
            ("um", "m", -6, true), ("A", "A", 0, true), ("pA", "A", -12, true), ("nA", "A", -9, true),
            ("V", "V", 0, true), ("mV", "V", -3, true), ("T", "T", 0, true), ("kHz", "Hz", 3, true),
            ("Pa", "Pa", 0, true), ("mg", "kg", -6, true), ("deg", "deg", 0, true),
            ("~m", "m", -6, true), ("kOhm", "Ohm", 3, true),
            ("luminance", "luminance", 0, false), ("", "", 0, false),
        ]
        for (text, base, exponent, si) in cases {
            let u = ValueUnit(parsing: text)
            #expect(u.base == base && u.exponent == exponent && u.isSI == si, "\(text) → \(u)")
        }
        #expect(ValueUnit(parsing: "nm").factorToBase == 1e-9)
        #expect(ValueUnit(parsing: "pA").factorToBase == 1e-12)
        #expect(ValueUnit(parsing: "m").factor(toExponent: -9) == 1e9)
        #expect(ValueUnit(parsing: "nm").factor(toExponent: -9) == 1)
        #expect(ValueUnit(parsing: "Å").factor(toExponent: -9) == 0.1)
    }

    @Test func asciiEscapeRoundTrips() {
        #expect(ValueUnit.asciiEscaped("µm") == "\\u00B5m")
        #expect(ValueUnit.asciiEscaped("nm") == "nm")
        #expect(ValueUnit.asciiEscaped("Å\nx") == "\\u00C5 x")
        #expect(ValueUnit.asciiEscaped("𝑚") == "\\uD835\\uDC5A")
        for s in ["µm", "Å", "luminance (after − before)", "𝑚", "plain"] {
            #expect(ValueUnit.asciiUnescaped(ValueUnit.asciiEscaped(s)) == s)
            #expect(ValueUnit.asciiEscaped(s).allSatisfy { $0.isASCII })
        }
        #expect(ValueUnit.asciiUnescaped("\\u00") == "\\u00")
    }

    /// A frame in nm: the .gwy holds metres (values ×10⁻⁹, si_unit_z "m"), and reads back
    /// as the same heights in metres.
    @Test func gwyStoresSIBaseUnits() throws {
        let img = try Image(width: 3, height: 2, pixels: [0, 0.5, 1, 1.5, 2, -0.25],
                            pixelSize: PixelSize(x: 0.2, y: 0.3), unit: .nanometre, valueUnit: "nm")
        let data = GwyddionGWY.write(img, title: "frame.sxm — Z (forward)")
        let root = try GwyddionGWY.parse(data: data)
        guard case .object(let field)? = root["/0/data"] else { Issue.record("no /0/data"); return }
        guard case .object(let z)? = field["si_unit_z"], case .object(let xy)? = field["si_unit_xy"] else {
            Issue.record("no units"); return
        }
        #expect(z["unitstr"] == .string("m") && xy["unitstr"] == .string("m"))
        guard case .doubleArray(let values)? = field["data"] else { Issue.record("no data"); return }
        for (v, p) in zip(values, img.pixels) { #expect(abs(v - Double(p) * 1e-9) <= 1e-24) }
        #expect(root["/0/data/title"] == .string("frame.sxm — Z (forward)"))
        let back = try GwyddionGWY.read(data: data).channels[0].image
        #expect(back.valueUnit == "m" && back.unit == .nanometre)
        let ps = try #require(back.pixelSize)
        #expect(abs(ps.x - 0.2) < 1e-12 && abs(ps.y - 0.3) < 1e-12)
    }

    /// Missing samples become the mean of the others, flagged by a /0/mask field.
    @Test func gwyMasksMissingSamples() throws {
        let img = try Image(width: 2, height: 2, pixels: [1, .nan, 3, .infinity], pixelSize: PixelSize(x: 1, y: 1),
                            unit: .nanometre, valueUnit: "nm")
        let data = GwyddionGWY.write(img, title: "t")
        let root = try GwyddionGWY.parse(data: data)
        guard case .object(let field)? = root["/0/data"], case .doubleArray(let values)? = field["data"],
              case .object(let mask)? = root["/0/mask"], case .doubleArray(let flags)? = mask["data"] else {
            Issue.record("no data or mask"); return
        }
        for (v, e) in zip(values, [1e-9, 2e-9, 3e-9, 2e-9]) { #expect(abs(v - e) < 1e-22) }
        #expect(values.count == 4)
        #expect(flags == [0, 1, 0, 1])
        #expect(mask["xres"] == .int32(2) && mask["xreal"] == field["xreal"])
        // A complete image gets no mask.
        let full = try GwyddionGWY.parse(data: GwyddionGWY.write(try Image(width: 1, height: 1, pixels: [5]), title: "t"))
        #expect(full["/0/mask"] == nil)
    }

    @Test func gwyKeepsNonSIUnitsUnscaled() throws {
        let img = try Image(width: 2, height: 1, pixels: [3, 4], valueUnit: "counts")
        let back = try GwyddionGWY.read(data: GwyddionGWY.write(img, title: "t")).channels[0].image
        #expect(back.pixels == [3, 4] && back.valueUnit == "counts")
    }

    /// corrected.tif: lateral `unit=nm`, values `vunit=`, µ escaped as ImageJ does.
    @Test func tiffCarriesValueUnit() throws {
        for vunit in ["nm", "pA", "µV"] {
            let img = try Image(width: 4, height: 3, pixels: (0..<12).map { Float($0) },
                                pixelSize: PixelSize(x: 0.5, y: 0.5), unit: .nanometre, valueUnit: vunit)
            let data = try TIFFWriter.encode(img)
            let doc = try TIFFReader.read(data: data)
            let desc = try #require(doc.metadata["tiff.description"])
            #expect(desc.contains("\nunit=nm\n"))
            #expect(desc.contains("\nvunit=\(ValueUnit.asciiEscaped(vunit))\n"))
            #expect(desc.allSatisfy { $0.isASCII })
            #expect(doc.channels[0].image.valueUnit == vunit)
            #expect(doc.channels[0].image.unit == .nanometre)
        }
        let none = try TIFFReader.read(data: TIFFWriter.encode(try Image(width: 2, height: 2, pixels: [1, 2, 3, 4])))
        #expect(none.channels[0].image.valueUnit == nil)
        #expect(!(none.metadata["tiff.description"] ?? "").contains("vunit"))
    }

    @Test func gsfCarriesUnits() throws {
        let img = try Image(width: 2, height: 2, pixels: [1, 2, 3, 4], pixelSize: PixelSize(x: 1, y: 1),
                            unit: .nanometre, valueUnit: "pA")
        let doc = try GwyddionGSF.read(data: GwyddionGSF.write(img, title: "a.sxm — Current"))
        #expect(doc.metadata["ZUnits"] == "pA" && doc.metadata["XYUnits"] == "m")
        #expect(doc.channels[0].name == "a.sxm — Current")
        #expect(doc.channels[0].image.valueUnit == "pA" && doc.channels[0].image.pixels == [1, 2, 3, 4])
    }
}
