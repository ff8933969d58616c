import Foundation
import Testing

/// The JSON a report.html page's viewer reads (its `report-data` script block), parsed.
func reportPageData(_ path: String) throws -> [String: Any] {
    let html = try String(contentsOfFile: path, encoding: .utf8)
    let open = "<script type=\"application/json\" id=\"report-data\">"
    let start = try #require(html.range(of: open)).upperBound
    let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
    let json = String(html[start..<end]).replacingOccurrences(of: "<\\/", with: "</")
    return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
}

/// Runs scripts/browser-tests/run.sh (Chromium through Playwright) on report pages; returns
/// its exit status and everything it printed.
func runBrowserChecks(on pages: [String]) throws -> (status: Int32, output: String) {
    let script = ReportBrowserTests.packageRoot.appendingPathComponent("scripts/browser-tests/run.sh").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script] + pages
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
