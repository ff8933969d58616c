import AnchorGeometry
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AnchorImaging

/// Counts elements while checking that a document is well-formed XML.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
}

private func parse(_ svg: String) -> ElementCounter? {
    let parser = XMLParser(data: Data(svg.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    return parser.parse() ? counter : nil
}

@Suite struct SVGPlotTests {
    @Test func linePlotIsWellFormedWithTitleLabelsAndLegend() throws {
        let plot = SVGPlot(
            title: "Recall <vs> noise & more",
            xAxis: PlotAxis(label: "noise std σ", unit: "model units"),
            yAxis: PlotAxis(label: "recall", range: 0...1),
            series: [
                .line(name: "4 points", points: [Point2(0, 1), Point2(0.1, 0.5), Point2(0.2, 0.2)]),
                .scatter(name: "samples", points: [Point2(0.05, 0.7), Point2(.nan, 0.3)]),
            ])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<?xml"))
        let doc = try #require(parse(svg))
        #expect(doc.counts["svg"] == 1)
        #expect(doc.counts["polyline"] == 1)
        // 3 line markers + 1 finite scatter point + 1 legend marker.
        #expect(doc.counts["circle"] == 5)
        let text = doc.texts.joined()
        #expect(text.contains("Recall <vs> noise & more"))
        #expect(text.contains("noise std σ (model units)"))
        #expect(text.contains("4 points"))
        #expect(svg.contains("&lt;vs&gt; noise &amp; more"))
    }

    @Test func boxPlotOnLogAxisDrawsEveryBox() throws {
        let boxes = (0..<4).map { i in
            PlotBox(position: Double(i), whiskerLow: 1e-12, q1: 1e-6, median: 1e-4, q3: 1e-2, whiskerHigh: 2,
                    outliers: [5])
        }
        let plot = SVGPlot(
            title: "MAE",
            xAxis: PlotAxis(label: "σ", scale: .categorical(["0", "0.01", "0.05", "0.1"])),
            yAxis: PlotAxis(label: "MAE", unit: "model units", scale: .log10),
            series: [.boxes(name: "", boxes: boxes)])
        let doc = try #require(parse(plot.svg()))
        // Background, plot frame, clip rectangle and one rectangle per box.
        #expect(doc.counts["rect"] == 3 + 4)
        #expect(doc.counts["circle"] == 4)
        let text = doc.texts.joined()
        for label in ["0.01", "0.05", "MAE (model units)"] { #expect(text.contains(label)) }
    }

    @Test func heatMapHasOneCellPerValueAndAColourBar() throws {
        let map = SVGHeatMap(
            title: "Recall map", xLabel: "σ (model units)", yLabel: "points",
            columns: ["0", "0.1", "0.2"], rows: ["16", "4"],
            values: [[1, 0.5, nil], [0.98, 0.25, .nan]], colorBarLabel: "recall", range: 0...1)
        let svg = map.svg()
        let doc = try #require(parse(svg))
        // Background + 6 cells + pattern fill rect + frame + colour bar.
        #expect(doc.counts["rect"] == 1 + 6 + 1 + 1 + 1)
        #expect(doc.counts["stop"] == 17)
        let text = doc.texts.joined()
        #expect(text.contains("0.98"))
        #expect(text.contains("0.25"))
        #expect(svg.contains("url(#no-value)"))
        // The low and high ends take the colour map's end colours.
        #expect(svg.contains(SVGColorMap.viridis.color(at: 1).hexString))
        #expect(svg.contains(SVGColorMap.viridis.color(at: 0.25).hexString))
    }

    @Test func colourMapEndsAndNiceTicks() {
        #expect(SVGColorMap.viridis.color(at: 0) == SVGColor(hex: 0x440154))
        #expect(SVGColorMap.viridis.color(at: 1) == SVGColor(hex: 0xFDE725))
        #expect(SVGColorMap.viridis.color(at: 7) == SVGColor(hex: 0xFDE725))
        #expect(SVGColor(hex: 0x1F77B4).hexString == "#1f77b4")
        let nice = PlotAxis.niceTicks(0...1)
        #expect(nice.count == 6)
        for (a, b) in zip(nice, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { #expect(abs(a - b) < 1e-12) }
        let ticks = PlotAxis(label: "x").ticks(in: 0...0.2).map(\.markup)
        #expect(ticks == ["0.00", "0.05", "0.10", "0.15", "0.20"])
        let log = PlotAxis(label: "y", scale: .log10).ticks(in: 1e-3...10).map(\.value)
        #expect(log.count == 5)
        #expect(SVGBuilder.num(1.234) == "1.23")
        #expect(SVGBuilder.num(12.5) == "12.5")
        #expect(SVGBuilder.num(-3) == "-3")
    }
}
