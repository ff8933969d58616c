import Foundation
import Testing
import AnchorGeometry
@testable import AnchorImaging

/// A `.gwy` written by an independent implementation (the Python package gwyfile 0.3.0,
/// `GwyContainer.tofile`), so the reader is not only checked against AnchorReg's own writer.
/// Made with: data = (np.arange(12).reshape(3, 4) * 0.5 - 1) * 1e-9 as /0/data "Height"
/// (xreal 4e-9 m, yreal 6e-9 m, z in m), and [[1, 2], [3, 4]] as /1/data "Current"
/// (2 µm × 2 µm, z in A).
@Suite struct GwyddionReferenceFileTests {
    static let gwyfileOutput = Data(base64Encoded: "R1dZUEd3eUNvbnRhaW5lcgAjAgAALzAvZGF0YS90aXRsZQBzSGVpZ2h0AC8wL2RhdGEAb0d3eURhdGFGaWVsZAABAQAAeHJlYWwAZJXWJugLLjE+eXJlYWwAZN9BOtwRxTk+eG9mZgBkAAAAAAAAAAB5b2ZmAGQAAAAAAAAAAHNpX3VuaXRfeHkAb0d3eVNJVW5pdAALAAAAdW5pdHN0cgBzbQBzaV91bml0X3oAb0d3eVNJVW5pdAALAAAAdW5pdHN0cgBzbQB4cmVzAGkEAAAAeXJlcwBpAwAAAGRhdGEARAwAAACV1iboCy4RvpXWJugLLgG+AAAAAAAAAACV1iboCy4BPpXWJugLLhE+4EE63BHFGT6V1iboCy4hPjqMMOKOeSU+4EE63BHFKT6F90PWlBAuPpXWJugLLjE+aLErZc1TMz4vMS9kYXRhL3RpdGxlAHNDdXJyZW50AC8xL2RhdGEAb0d3eURhdGFGaWVsZADBAAAAeHJlYWwAZI3ttaD3xsA+eXJlYWwAZI3ttaD3xsA+eG9mZgBkAAAAAAAAAAB5b2ZmAGQAAAAAAAAAAHNpX3VuaXRfeHkAb0d3eVNJVW5pdAALAAAAdW5pdHN0cgBzbQBzaV91bml0X3oAb0d3eVNJVW5pdAALAAAAdW5pdHN0cgBzQQB4cmVzAGkCAAAAeXJlcwBpAgAAAGRhdGEARAQAAAAAAAAAAADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA==")!

    @Test func readsIndependentWriterOutput() throws {
        let doc = try GwyddionGWY.read(data: Self.gwyfileOutput)
        #expect(doc.channels.map(\.name) == ["Height", "Current"])
        let h = doc.channels[0].image
        #expect(h.width == 4 && h.height == 3)
        for y in 0..<3 { for x in 0..<4 { #expect(h[x, y] == Float((Double(y * 4 + x) * 0.5 - 1) * 1e-9)) } }
        #expect(h.unit == .nanometre && h.valueUnit == "m")
        let ps = try #require(h.pixelSize)
        #expect(abs(ps.x - 1) < 1e-12 && abs(ps.y - 2) < 1e-12)
        let c = doc.channels[1].image
        #expect(c.pixels == [1, 2, 3, 4] && c.valueUnit == "A")
        #expect(abs(c.pixelSize!.x - 1000) < 1e-9)
    }

    /// Re-serialising the parsed tree gives the same bytes (the writer computes sizes the way
    /// gwyfile does).
    @Test func reserialisesByteForByte() throws {
        let tree = try GwyddionGWY.parse(data: Self.gwyfileOutput)
        #expect(GwyddionGWY.serialize(tree) == Self.gwyfileOutput)
    }
}
