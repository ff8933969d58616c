import AnchorGeometry
import Testing
@testable import AnchorRegCLI

/// The unit-bearing column names of sites.csv and the text forms of cells.csv.
@Suite struct FrameTablesTests {
    @Test func valueColumnNamesTheUnit() {
        let cases: [(String?, String, Double)] = [
            ("m", "height_nm", 1e9), ("nm", "height_nm", 1), ("Å", "height_nm", 0.1), ("pm", "height_nm", 1e-3),
            ("A", "value_A", 1), ("pA", "value_pA", 1), ("µV", "value_uV", 1), ("a.u. (x)", "value_a_u___x_", 1),
            (nil, "value", 1), ("", "value", 1),
        ]
        for (unit, name, factor) in cases {
            let c = FrameTables.valueColumn(unit)
            #expect(c.name == name && c.factor == factor, "\(unit ?? "nil") → \(c)")
        }
    }

    @Test func headerFollowsTheModelUnit() {
        #expect(FrameTables.sitesHeader(unit: .micrometre, valueUnit: "V")[9...11] == ["model_x_um", "model_y_um", "value_V"])
        #expect(FrameTables.sitesHeader(unit: .none, valueUnit: nil)[9...11] == ["model_x_px", "model_y_px", "value"])
    }

    @Test func fieldsWithCommasAreQuoted() {
        #expect(FrameTables.field("a,b") == "\"a,b\"" && FrameTables.field("say \"x\"") == "\"say \"\"x\"\"\"" && FrameTables.field("B1") == "B1")
    }
}
