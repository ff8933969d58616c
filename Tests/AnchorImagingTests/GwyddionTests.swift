import Foundation
import TestData
import Testing
import AnchorGeometry
@testable import AnchorImaging

@Suite struct GwyddionGSFTests {
    @Test func realChipFile() throws {
        let doc = try GwyddionGSF.read(data: TestData.realData("afm-chip-scifi/GwiddionReader_chip.gsf"))
        #expect(doc.format == .gsf)
        #expect(doc.channels.map(\.name) == ["Topography"])
        let img = doc.channels[0].image
        #expect(img.width == 300 && img.height == 300)
        #expect(img.unit == .nanometre)
        let ps = try #require(img.pixelSize)
        #expect(abs(ps.x - 80_000.0 / 300) < 1e-6 && abs(ps.y - 80_000.0 / 300) < 1e-6)
        #expect(img.valueUnit == "m")
        // ~7 µm height range per SOURCES.md.
        let r = try #require(img.finiteRange)
        #expect(r.max - r.min > 2e-6 && r.max - r.min < 2e-5)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func roundTrip(width: Int) throws {
        let img = try SPMFixtures.image(width: width, height: 3)
        let d = GwyddionGSF.write(img, title: "Z corrected")
        // Data starts at a multiple of 4 after 1–4 NULs.
        let nul = try #require(d.firstIndex(of: 0))
        #expect((d.count - img.count * 4) % 4 == 0 && d.count - img.count * 4 - nul >= 1)
        let back = try GwyddionGSF.read(data: d).channels[0]
        #expect(back.name == "Z corrected")
        #expect(back.image.pixels == img.pixels)
        #expect(back.image.valueUnit == "m")
        let ps = try #require(back.image.pixelSize)
        #expect(abs(ps.x - 0.25) < 1e-12 && abs(ps.y - 0.5) < 1e-12)
    }

    @Test func uncalibratedRoundTrip() throws {
        let img = try SPMFixtures.image(pixelSize: nil)
        let back = try GwyddionGSF.read(data: GwyddionGSF.write(img)).channels[0].image
        #expect(back.pixels == img.pixels && back.pixelSize == nil && back.unit == .none)
    }

    @Test func brokenFiles() throws {
        let good = GwyddionGSF.write(try SPMFixtures.image(), title: "t")
        for n in 0..<good.count {
            #expect(throws: FormatError.self) { try GwyddionGSF.read(data: good.prefix(n)) }
        }
        func file(_ header: String, payload: Int = 0) -> Data {
            var d = Data(("Gwyddion Simple Field 1.0\n" + header).utf8)
            d.append(contentsOf: [UInt8](repeating: 0, count: 4 - d.count % 4 + payload))
            return d
        }
        #expect { try GwyddionGSF.read(data: file("XRes = 100000\nYRes = 100000\n")) } throws: {
            if case FormatError.unsupported(format: .gsf, _) = $0 { return true } else { return false }
        }
        #expect { try GwyddionGSF.read(data: file("XRes = 2\n")) } throws: {
            if case FormatError.corrupt(format: .gsf, _) = $0 { return true } else { return false }
        }
        #expect { try GwyddionGSF.read(data: file("XRes = 2\nYRes = 2\nXReal = nan\n", payload: 16)) } throws: {
            if case FormatError.corrupt(format: .gsf, _) = $0 { return true } else { return false }
        }
        #expect { try GwyddionGSF.read(data: file("XRes = 2\nYRes = 2\n", payload: 15)) } throws: {
            if case FormatError.truncated(format: .gsf, _) = $0 { return true } else { return false }
        }
        #expect { try GwyddionGSF.read(data: Data("Gwyddion Simple Field 2.0\n".utf8)) } throws: {
            if case FormatError.badMagic(format: .gsf, _) = $0 { return true } else { return false }
        }
    }
}

@Suite struct GwyddionGWYTests {
    /// A hand-built object using every component type survives serialise → parse.
    @Test func containerRoundTripAllTypes() throws {
        let inner = GwyObject(typeName: "GwySIUnit", components: [GwyComponent("unitstr", .string("m"))])
        let obj = GwyObject(typeName: "GwyContainer", components: [
            GwyComponent("/b", .bool(true)),
            GwyComponent("/c", .char(0x41)),
            GwyComponent("/i", .int32(-7)),
            GwyComponent("/q", .int64(1 << 40)),
            GwyComponent("/d", .double(-2.5e-9)),
            GwyComponent("/s", .string("µm Ångström")),
            GwyComponent("/o", .object(inner)),
            GwyComponent("/C", .charArray([0, 1, 255])),
            GwyComponent("/I", .int32Array([1, -2, 3])),
            GwyComponent("/Q", .int64Array([Int64.min, 0, Int64.max])),
            GwyComponent("/D", .doubleArray([0.5, -1e300])),
            GwyComponent("/S", .stringArray(["", "a", "bc"])),
            GwyComponent("/O", .objectArray([inner, GwyObject(typeName: "GwyEmpty")])),
        ])
        let d = GwyddionGWY.serialize(obj)
        #expect(d.prefix(4) == Data("GWYP".utf8))
        #expect(try GwyddionGWY.parse(data: d) == obj)
    }

    /// The byte layout of a known small object, written out by hand from the spec.
    @Test func byteLayoutMatchesSpecification() throws {
        let obj = GwyObject(typeName: "GwyX", components: [GwyComponent("a", .int32(1))])
        let expected: [UInt8] = Array("GWYP".utf8) + Array("GwyX".utf8) + [0] + [7, 0, 0, 0]
            + [UInt8(ascii: "a"), 0, UInt8(ascii: "i"), 1, 0, 0, 0]
        #expect([UInt8](GwyddionGWY.serialize(obj)) == expected)
    }

    @Test func channelsRoundTrip() throws {
        let a = try SPMFixtures.image()
        var b = try SPMFixtures.image(width: 3, height: 4, pixelSize: nil)
        b.valueUnit = "A"
        let d = GwyddionGWY.write(channels: [ImageChannel(name: "Z (forward)", image: a),
                                            ImageChannel(name: "Current", image: b)])
        let doc = try GwyddionGWY.read(data: d)
        #expect(doc.format == .gwy)
        #expect(doc.channels.map(\.name) == ["Z (forward)", "Current"])
        let ra = doc.channels[0].image, rb = doc.channels[1].image
        #expect(ra.pixels == a.pixels && ra.width == 7 && ra.height == 5)
        #expect(ra.unit == .nanometre && ra.valueUnit == "m")
        let ps = try #require(ra.pixelSize)
        #expect(abs(ps.x - 0.25) < 1e-12 && abs(ps.y - 0.5) < 1e-12)
        #expect(rb.pixels == b.pixels && rb.pixelSize == nil && rb.valueUnit == "A")
        // The data field uses the Gwyddion component names and types.
        let root = try GwyddionGWY.parse(data: d)
        guard case .object(let field)? = root["/0/data"] else { Issue.record("no /0/data"); return }
        #expect(field.typeName == "GwyDataField")
        #expect(field["xres"] == .int32(7) && field["yres"] == .int32(5))
        #expect(field["xreal"] == .double(7 * 0.25e-9))
    }

    /// Channel numbering follows N in /N/data, not file order; a missing title is named.
    @Test func channelOrderAndDefaultTitle() throws {
        let img = try SPMFixtures.image()
        let obj = GwyObject(typeName: "GwyContainer", components: [
            GwyComponent("/3/data", .object(GwyddionGWY.dataFieldObject(img))),
            GwyComponent("/1/data", .object(GwyddionGWY.dataFieldObject(img))),
            GwyComponent("/1/data/title", .string("Height")),
            GwyComponent("/filename", .string("x.gwy")),
            GwyComponent("/1/mask", .object(GwyObject(typeName: "GwyDataField"))),
        ])
        let doc = try GwyddionGWY.read(data: GwyddionGWY.serialize(obj))
        #expect(doc.channels.map(\.name) == ["Height", "Channel 3"])
        #expect(doc.metadata["/filename"] == "x.gwy")
    }

    @Test func brokenFiles() throws {
        let img = try SPMFixtures.image(width: 3, height: 2)
        let good = GwyddionGWY.write(img, title: "t")
        _ = try GwyddionGWY.read(data: good)
        for n in 0..<good.count {
            #expect(throws: FormatError.self) { try GwyddionGWY.read(data: good.prefix(n)) }
        }
        // Old serialisation.
        var gwyo = good
        gwyo[3] = UInt8(ascii: "O")
        #expect { try GwyddionGWY.read(data: gwyo) } throws: {
            if case FormatError.badMagic(format: .gwy, _) = $0 { return true } else { return false }
        }
        // Top-level size larger than the file.
        var big = good
        big[4 + 13] = 0xFF  // high byte of GwyContainer's size ("GwyContainer\0" is 13 bytes)
        #expect { try GwyddionGWY.read(data: big) } throws: {
            if case FormatError.truncated(format: .gwy, _) = $0 { return true } else { return false }
        }
        // Data array count ≠ xres·yres.
        var field = GwyddionGWY.dataFieldObject(img)
        field.components[field.components.count - 1] = GwyComponent("data", .doubleArray([1, 2, 3]))
        let wrong = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/0/data", .object(field))])
        #expect { try GwyddionGWY.read(data: GwyddionGWY.serialize(wrong)) } throws: {
            if case FormatError.corrupt(format: .gwy, let m) = $0 { return m.contains("xres·yres") } else { return false }
        }
        // Absurd dimensions.
        var huge = GwyddionGWY.dataFieldObject(img)
        huge.components[0] = GwyComponent("xres", .int32(1 << 20))
        huge.components[1] = GwyComponent("yres", .int32(1 << 20))
        let hugeFile = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/0/data", .object(huge))])
        #expect { try GwyddionGWY.read(data: GwyddionGWY.serialize(hugeFile)) } throws: {
            if case FormatError.unsupported(format: .gwy, _) = $0 { return true } else { return false }
        }
        // Non-finite real (written by patching the bits, as our writer writes any double).
        var nanField = GwyddionGWY.dataFieldObject(img)
        nanField.components[2] = GwyComponent("xreal", .double(.nan))
        let nanFile = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/0/data", .object(nanField))])
        #expect { try GwyddionGWY.read(data: GwyddionGWY.serialize(nanFile)) } throws: {
            if case FormatError.corrupt(format: .gwy, let m) = $0 { return m.contains("non-finite") } else { return false }
        }
        // No data field at all.
        let empty = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/filename", .string("a"))])
        #expect(throws: FormatError.self) { try GwyddionGWY.read(data: GwyddionGWY.serialize(empty)) }
        // Trailing garbage and an unknown type character.
        #expect(throws: FormatError.self) { try GwyddionGWY.read(data: good + Data([1, 2, 3])) }
        var badType = GwyddionGWY.serialize(GwyObject(typeName: "GwyContainer", components: [GwyComponent("/x", .int32(1))]))
        badType[4 + 13 + 4 + 3] = UInt8(ascii: "z")
        #expect(throws: FormatError.self) { try GwyddionGWY.read(data: badType) }
    }

    /// A container nesting itself far deeper than any real file (the serialised form of a
    /// reference cycle) is refused by the depth bound, not by exhausting the stack.
    @Test func selfNestingIsBounded() throws {
        var o = GwyObject(typeName: "GwyContainer")
        for _ in 0..<2000 { o = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/self", .object(o))]) }
        #expect { try GwyddionGWY.read(data: GwyddionGWY.serialize(o)) } throws: {
            if case FormatError.corrupt(format: .gwy, let m) = $0 { return m.contains("nested deeper") } else { return false }
        }
        // Within the bound it parses.
        var ok = GwyObject(typeName: "GwyContainer")
        for _ in 0..<(GwyddionGWY.maxDepth - 1) { ok = GwyObject(typeName: "GwyContainer", components: [GwyComponent("/self", .object(ok))]) }
        _ = try GwyddionGWY.parse(data: GwyddionGWY.serialize(ok))
    }

    /// An object array claiming billions of items must not allocate for them.
    @Test func hugeArrayCountsAreRefused() throws {
        var d = GwyddionGWY.serialize(GwyObject(typeName: "GwyContainer", components: [GwyComponent("/a", .doubleArray([1]))]))
        // Count field sits after "GWYP", "GwyContainer\0", size, "/a\0", "D".
        let at = 4 + 13 + 4 + 3 + 1
        for k in 0..<4 { d[at + k] = 0xFF }
        #expect(throws: FormatError.self) { try GwyddionGWY.read(data: d) }
    }

    @Test func randomByteCorruptionNeverEscapesTypedErrors() throws {
        let good = GwyddionGWY.write(try SPMFixtures.image(width: 3, height: 2), title: "t")
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<400 {
            var d = good
            for _ in 0..<2 {
                let i = Int(rng.next() % UInt64(d.count))
                d[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            #expect(outcomeIsTyped { _ = try GwyddionGWY.read(data: d) })
        }
    }
}
