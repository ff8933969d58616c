import AnchorModels
import Foundation

/// Assembles `report.html`: the fixed template (`ReportTemplate`) with the report's data as
/// compact JSON in a `<script type="application/json">` block. Everything the page needs is in
/// the one file: pictures as base64 PNG, no network, no external script or font.
enum ReportPage {
    /// The page. The data is written by the one-pass `StreamingJSONEncoder` (one line,
    /// non-finite numbers as JavaScript's names) and made safe for a script element in one
    /// pass over its bytes: Foundation's encoder and `replacingOccurrences` on the 0.5 MB text
    /// were a third of a `locate` run's CPU.
    static func html(_ doc: ReportDocument) throws -> String {
        let json = String(decoding: scriptSafe(try StreamingJSONEncoder(pretty: false, nonFinite: .javaScript).encode(doc)),
                          as: UTF8.self)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(doc.title))</title>
            <style>\(ReportTemplate.css)</style></head>
            <body>
            <noscript><p>This report draws its images with JavaScript; please allow scripts for this local file.</p></noscript>
            <header id="top"></header>
            <main id="views"></main>
            <div id="sections"></div>
            <footer id="footer"></footer>
            <script type="application/json" id="report-data">\(json)</script>
            <script>\(ReportTemplate.script)</script>
            </body></html>

            """
    }

    /// JSON text made safe inside `<script>`: a "</" would end the element early (written
    /// "<\\/", the same string to JSON), and "<!--" would change how the HTML parser reads the
    /// script's text (written "\\u003c!--"). Both "<" only occur inside JSON strings.
    static func scriptSafe(_ json: [UInt8]) -> [UInt8] {
        let lt = UInt8(ascii: "<")
        guard json.contains(lt) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 64)
        var k = 0
        while k < json.count {
            let c = json[k]
            if c == lt, k + 1 < json.count, json[k + 1] == UInt8(ascii: "/") {
                out.append(contentsOf: "<\\/".utf8)
                k += 2
                continue
            }
            if c == lt, k + 3 < json.count, json[k + 1] == UInt8(ascii: "!"), json[k + 2] == UInt8(ascii: "-"),
               json[k + 3] == UInt8(ascii: "-") {
                out.append(contentsOf: "\\u003c".utf8)
                k += 1
                continue
            }
            out.append(c)
            k += 1
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
