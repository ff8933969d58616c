import AnchorGeometry
import Testing
@testable import AnchorRegistration

@Suite struct PointCSVTests {
    @Test func readsPairsInAnyColumnOrderWithCommentsAndQuotes() throws {
        let text = "# correspondences\n"
            + "image_x,image_y,model_x,model_y,note\n"
            + "10,20,0,0,\"a, b\"\n"
            + "\n"
            + "11.5,20,1,0,x\r\n"
            + "10,21.25,0,1,\"say \"\"hi\"\"\"\n"
        let sets = try PointCSV.readPairs(text)
        #expect(sets.count == 1)
        let s = sets[0]
        #expect(s.sample == nil)
        #expect(s.model == [Point2(0, 0), Point2(1, 0), Point2(0, 1)])
        #expect(s.image == [Point2(10, 20), Point2(11.5, 20), Point2(10, 21.25)])
        #expect(s.lines == [3, 5, 6])
    }

    @Test func groupsPairsBySampleInOrderOfFirstAppearance() throws {
        let text = """
            sample,model_x,model_y,image_x,image_y
            b,0,0,1,1
            a,0,0,2,2
            b,1,0,3,3
            """
        let sets = try PointCSV.readPairs(text)
        #expect(sets.map(\.sample) == ["b", "a"])
        #expect(sets[0].image == [Point2(1, 1), Point2(3, 3)])
    }

    @Test func malformedPairsNameLineAndColumn() {
        #expect(throws: PointCSVError.missingColumns(["image_y"], header: ["model_x", "model_y", "image_x"])) {
            try PointCSV.readPairs("model_x,model_y,image_x\n1,2,3\n")
        }
        #expect(throws: PointCSVError.notANumber(line: 3, column: "image_x", text: "abc")) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n0,0,1,1\n0,1,abc,2\n")
        }
        #expect(throws: PointCSVError.wrongFieldCount(line: 2, expected: 4, found: 3)) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n0,0,1\n")
        }
        #expect(throws: PointCSVError.notFinite(line: 2, column: "model_y", text: "nan")) {
            try PointCSV.readPairs("model_x,model_y,image_x,image_y\n0,nan,1,1\n")
        }
        #expect(throws: PointCSVError.empty) { try PointCSV.readPairs("\n# nothing\n") }
        #expect(throws: PointCSVError.noRows) { try PointCSV.readPairs("model_x,model_y,image_x,image_y\n") }
        #expect(throws: PointCSVError.duplicateColumn("model_x")) {
            try PointCSV.readPairs("model_x,model_x,model_y,image_x,image_y\n")
        }
        #expect(throws: PointCSVError.emptySampleID(line: 2)) {
            try PointCSV.readPairs("sample,model_x,model_y,image_x,image_y\n,0,0,1,1\n")
        }
        let message = "\(PointCSVError.notANumber(line: 3, column: "image_x", text: "abc"))"
        #expect(message.contains("line 3") && message.contains("image_x"))
    }

    @Test func readsUnpairedSetsKeepingRowOrderPerSet() throws {
        let text = """
            sample,set,x,y
            1,model,0,0
            1,image,5,5
            1,MODEL,1,0
            2,image,7,7
            1,image,6,5
            """
        let sets = try PointCSV.readUnpaired(text)
        #expect(sets.count == 2)
        #expect(sets[0].sample == "1")
        #expect(sets[0].model == [Point2(0, 0), Point2(1, 0)])
        #expect(sets[0].image == [Point2(5, 5), Point2(6, 5)])
        #expect(sets[1].model.isEmpty && sets[1].image == [Point2(7, 7)])
        #expect(throws: PointCSVError.badSet(line: 2, text: "points")) {
            try PointCSV.readUnpaired("set,x,y\npoints,1,2\n")
        }
    }
}
