import AnchorGeometry
import ArgumentParser
import Foundation
import Testing
@testable import AnchorRegCLI
@testable import AnchorRegistration

@Suite struct FitCommandTests {
    static let truth = Homography(1.1, 0.2, 30, -0.15, 0.95, 12, 0.001, -0.002, 1)

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anchorreg-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func pairsCSV(samples: [(id: String?, model: [Point2], h: Homography)]) -> String {
        var s = samples.first?.id == nil ? "model_x,model_y,image_x,image_y\n" : "sample,model_x,model_y,image_x,image_y\n"
        for sample in samples {
            for m in sample.model {
                let i = sample.h.apply(m)
                s += (sample.id.map { "\($0)," } ?? "") + "\(m.x),\(m.y),\(i.x),\(i.y)\n"
            }
        }
        return s
    }

    static let grid: [Point2] = (0..<4).flatMap { r in (0..<4).map { c in Point2(Double(c) * 10, Double(r) * 10) } }

    static func run(_ args: [String]) throws {
        var command = try AnchorRegCommand.parseAsRoot(args)
        try command.run()
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func recoversHFromKnownPairs() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("pairs.csv")
        try Self.pairsCSV(samples: [(nil, Self.grid, Self.truth)]).write(to: csv, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("fit.json")
        try Self.run(["fit", csv.path, "--out", out.path])
        let object = try Self.json(out)
        let rows = try #require(object["homography"] as? [[Double]])
        let h = try Homography(rows: rows)
        #expect(h.maxDifference(to: Self.truth) < 1e-9)
        #expect((object["inliers"] as? [Bool])?.count == 16)
        #expect((object["inliers"] as? [Bool])?.allSatisfy { $0 } == true)
        #expect((object["rms"] as? Double).map { $0 < 1e-9 } == true)
        // The same output file again needs --force.
        #expect(throws: CLIError.self) { try Self.run(["fit", csv.path, "--out", out.path]) }
        try Self.run(["fit", csv.path, "--out", out.path, "--force", "--estimator", "magsac"])
    }

    @Test func batchReportsBadSampleAndFitsTheOthers() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = Homography.translation(-5, 7) * Homography.rotation(0.3)
        let collinear = (0..<6).map { Point2(Double($0), 2 * Double($0)) }
        let csv = dir.appendingPathComponent("batch.csv")
        try Self.pairsCSV(samples: [("1", Self.grid, Self.truth), ("2", collinear, other), ("3", Self.grid, other)])
            .write(to: csv, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("fits.json")
        try Self.run(["fit", csv.path, "--json", "--out", out.path, "--threads", "2"])
        let fits = try #require(try Self.json(out)["fits"] as? [[String: Any]])
        #expect(fits.count == 3)
        #expect(fits.map { $0["sample"] as? Int } == [1, 2, 3])
        #expect(fits[1]["homography"] == nil)
        #expect((fits[1]["error"] as? String)?.contains("collinear") == true)
        let h1 = try Homography(rows: try #require(fits[0]["homography"] as? [[Double]]))
        let h3 = try Homography(rows: try #require(fits[2]["homography"] as? [[Double]]))
        #expect(h1.maxDifference(to: Self.truth) < 1e-9)
        #expect(h3.maxDifference(to: other) < 1e-9)
    }

    @Test func unpairedPointsArePairedAndFitted() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = ValidationSampleGenerator.grid(side: 6)
        let h = Homography.translation(40.3, 25.6) * Homography.rotation(4 * .pi / 180) * Homography.scaling(10.5, 9.8)
        // Image points in a scrambled order: image row k holds model point perm[k].
        let perm = Array((0..<model.count).reversed())
        var csv = "sample,set,x,y\n"
        for m in model { csv += "a,model,\(m.x),\(m.y)\n" }
        for k in perm { let p = h.apply(model[k]); csv += "a,image,\(p.x),\(p.y)\n" }
        let file = dir.appendingPathComponent("points.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("fit.json")
        try Self.run(["fit", file.path, "--unpaired", "--rotation", "0", "--rotation-tolerance", "10", "--scale", "10",
                      "--out", out.path])
        let fit = try #require((try Self.json(out)["fits"] as? [[String: Any]])?.first)
        let est = try Homography(rows: try #require(fit["homography"] as? [[Double]]))
        #expect(est.maxDifference(to: h.normalized()) < 1e-6)
        let pairs = try #require(fit["pairs"] as? [[Int]])
        #expect(pairs.count == model.count)
        for p in pairs { #expect(perm[p[1]] == p[0]) }
    }

    @Test func malformedCSVNamesTheLine() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("bad.csv")
        try "model_x,model_y,image_x,image_y\n0,0,1,1\n1,0,oops,1\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect {
            try Self.run(["fit", csv.path])
        } throws: { error in
            "\(error)".contains("line 3") && "\(error)".contains("image_x")
        }
        #expect(throws: CLIError.self) { try Self.run(["fit", dir.appendingPathComponent("missing.csv").path]) }
        // One fit that fails is an error of the command.
        try "model_x,model_y,image_x,image_y\n0,0,1,1\n1,0,2,1\n2,0,3,1\n3,0,4,1\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect(throws: CLIError.self) { try Self.run(["fit", csv.path]) }
    }

    /// The files the help examples name: pairs.csv (one sample), batch.csv (samples 7 and 8)
    /// and points.csv (unpaired model and image points, the image set shifted by (0.3, −0.2)).
    static func writeExampleInputs(in dir: URL) throws {
        try Self.pairsCSV(samples: [(nil, Self.grid, Self.truth)])
            .write(to: dir.appendingPathComponent("pairs.csv"), atomically: true, encoding: .utf8)
        try Self.pairsCSV(samples: [("7", Self.grid, Self.truth), ("8", Self.grid, Self.truth)])
            .write(to: dir.appendingPathComponent("batch.csv"), atomically: true, encoding: .utf8)
        var points = "set,x,y\n"
        for m in ValidationSampleGenerator.grid(side: 4) { points += "model,\(m.x),\(m.y)\n" }
        for m in ValidationSampleGenerator.grid(side: 4).reversed() {
            let p = Homography.translation(0.3, -0.2).apply(m)
            points += "image,\(p.x),\(p.y)\n"
        }
        try points.write(to: dir.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
    }

    @Test func helpExamplesRun() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeExampleInputs(in: dir)
        let examples = HelpExamplesTests.examples(of: FitCommand.self).map(\.shell)
        #expect(examples.count == 5)
        for line in examples {
            let args = line.split(separator: " ").dropFirst().map { arg -> String in
                arg.hasSuffix(".csv") || arg.hasSuffix(".json") || arg.hasSuffix(".jsonl")
                    ? dir.appendingPathComponent(String(arg)).path : String(arg)
            }
            try Self.run(args)
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fits.json").path))
        // JSON Lines: one object per sample, the same objects as the document's "fits".
        let lines = try String(contentsOf: dir.appendingPathComponent("fits.jsonl"), encoding: .utf8).split(separator: "\n")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("fits.json"))) as! [String: Any]
        let fits = try #require(document["fits"] as? [NSDictionary])
        #expect(lines.count == 2 && fits.count == 2)
        for (line, fit) in zip(lines, fits) {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary == fit)
        }
    }

    @Test func helpTextIsExact() {
        let expected = """
            OVERVIEW: Estimate the homography H (model → image) from points in a CSV file.

            Paired input: columns model_x,model_y,image_x,image_y, one correspondence per
            row. Unpaired input (--unpaired): columns set,x,y with set = model or image;
            the pairing chain (rough placement within the --rotation/--scale prior, k-d
            tree pairing, robust fit, re-pairing until the pairs are stable) finds the
            correspondences. An optional first column sample fits one H per sample id
            (batches of thousands run on all cores); a sample that cannot be fitted reports
            its error and the others still come out. Model points are in model units, image
            points in pixels (x right, y down).

            Prints H, the inlier mask and the RMS residual (pixels); --json prints
            {"homography": [[…]], "inliers": […], "rms": …} or {"fits": [{"sample": id,
            …}]}; --jsonl prints one such object per sample and line (JSON Lines), for
            batches too large to hold as one document. The CSV is read as a stream, the
            JSON written by a one-pass encoder; a file of 64 MiB or more whose samples each
            keep their rows together is fitted and written 262,144 rows at a time, in
            bounded memory.

            Examples:
              anchorreg fit pairs.csv
              anchorreg fit pairs.csv --estimator magsac --json
              anchorreg fit batch.csv --json --out fits.json
              anchorreg fit batch.csv --jsonl --out fits.jsonl
              anchorreg fit points.csv --unpaired --rotation 0 \\
                  --rotation-tolerance 10 --scale 1

            USAGE: anchorreg fit [<options>] <file.csv>

            ARGUMENTS:
              <file.csv>              CSV file of correspondences (or of unpaired points
                                      with --unpaired).

            OPTIONS:
              --unpaired              The CSV holds unpaired model and image points
                                      (columns sample,set,x,y).
              --estimator <name>      Robust estimator: dlt, lmeds, ransac, msac, magsac.
                                      (default: lmeds)
              --threshold <px>        Inlier threshold on the reprojection distance, pixels
                                      (default: from the data).
              --refine/--no-refine    Finish with Levenberg–Marquardt over the inliers.
                                      (default: --refine)
              --seed <seed>           Seed of the robust sampler. (default: 0)
              --rotation <deg>        Unpaired: expected rotation of the model in the
                                      image, degrees. (default: 0.0)
              --rotation-tolerance <deg>
                                      Unpaired: rotation tolerance, degrees. (default:
                                      180.0)
              --scale <s>             Unpaired: expected scale, pixels per model unit.
                                      (default: 1.0)
              --scale-tolerance <f>   Unpaired: relative scale tolerance (0.3 = ±30 %).
                                      (default: 0.3)
              --periodic              Unpaired: the model is a periodic lattice (enables
                                      the vote filter against spurious points).
              --threads <n>           Worker threads for batches (default: all cores).
              --json                  Print the result as JSON on standard output.
              --jsonl                 Print one JSON object per sample and line (JSON
                                      Lines) instead of one document.
              --out <file.json>       Also write the JSON result (JSON Lines with --jsonl)
                                      to this file.
              --force                 Overwrite an existing --out file.
              --quiet                 No progress bar on standard error.
              --progress              Draw the progress bar on standard error even when it
                                      is not a terminal.
              --version               Show the version.
              -h, --help              Show help information.

            """
        #expect(AnchorRegCommand.helpMessage(for: FitCommand.self, columns: 80) == expected)
    }
}
