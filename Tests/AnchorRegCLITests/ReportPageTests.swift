import Foundation
import Testing
@testable import AnchorRegCLI

/// report.html's data block: written by the streaming encoder, safe inside `<script>`.
@Suite struct ReportPageTests {
    @Test func dataCannotEndTheScriptAndReadsBackAsJSON() throws {
        #expect(ReportPage.scriptSafe(Array("a</b<!--c<d".utf8)) == Array("a<\\/b\\u003c!--c<d".utf8))
        var doc = ReportDocument(kind: "locate", title: "x </script><!-- y")
        doc.metadata = [.init(label: "l", value: "</script>", explain: nil)]
        doc.footer = "ok"
        let page = try ReportPage.html(doc)
        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"report-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let data = String(page[start.upperBound..<end.lowerBound])
        #expect(!data.contains("</") && !data.contains("<!--"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        #expect(obj["title"] as? String == "x </script><!-- y")
        #expect((obj["metadata"] as? [[String: Any]])?.first?["value"] as? String == "</script>")
        #expect(obj["verdict"] == nil, "an absent optional is left out, as Foundation's encoder does")
    }
}
