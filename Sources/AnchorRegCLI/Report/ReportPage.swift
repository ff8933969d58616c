import Foundation

/// Assembles `report.html`: the fixed template (`ReportTemplate`) with the report's data as
/// compact JSON in a `<script type="application/json">` block. Everything the page needs is in
/// the one file: pictures as base64 PNG, no network, no external script or font.
enum ReportPage {
    static func html(_ doc: ReportDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var json = String(decoding: try encoder.encode(doc), as: UTF8.self)
        // A "</" inside the data would end the script element early; "<!--" would change how
        // the HTML parser reads the script's text.
        json = json.replacingOccurrences(of: "</", with: "<\\/").replacingOccurrences(of: "<!--", with: "\\u003c!--")
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

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
