import Foundation
import Testing
@testable import AnchorRegistration

@Suite struct BatchLibraryTests {
    @Test func sha256MatchesTheFIPSVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A million "a", fed in uneven pieces: the streaming update equals the one-shot hash.
        var s = SHA256()
        var left = 1_000_000
        var piece = 1
        while left > 0 {
            let n = min(piece, left)
            s.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            left -= n
            piece = piece * 3 + 1
        }
        #expect(s.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func shardsPartitionTheListWhateverN() throws {
        #expect(try BatchShard.parse("2/3") == BatchShard(index: 2, count: 3))
        for bad in ["3/3", "-1/3", "0/0", "1", "a/b", "1/2/3", ""] {
            #expect(throws: BatchError.self) { try BatchShard.parse(bad) }
        }
        for n in 1...7 {
            var owners = [Int](repeating: 0, count: 40)
            for i in 0..<n {
                let shard = try BatchShard(index: i, count: n)
                for k in 0..<40 where shard.owns(position: k) { owners[k] += 1 }
            }
            #expect(owners.allSatisfy { $0 == 1 }, "N = \(n): every frame in exactly one shard")
        }
    }

    @Test func inputsAreFoundSortedAndNamedByTheirPath() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("batch-inputs-\(UUID().uuidString)")
        let sub = root.appendingPathComponent("day2")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        for name in ["b.tif", "a.sxm", "notes.txt", ".hidden.png", "day2/c.png"] {
            try Data([1]).write(to: root.appendingPathComponent(name))
        }
        let list = try BatchInput.list([root.path])
        #expect(list.map(\.name) == ["a.sxm", "b.tif", "day2/c.png"])
        #expect(list.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
        // The same file name from two places is refused, not silently merged.
        #expect(throws: BatchError.self) {
            try BatchInput.list([root.appendingPathComponent("b.tif").path, root.appendingPathComponent("day2/../b.tif").path])
        }
        #expect(throws: BatchError.self) { try BatchInput.list([root.appendingPathComponent("missing").path]) }
        #expect(throws: BatchError.self) { try BatchInput.list([sub.appendingPathComponent("none").path]) }
    }

    @Test func csvQuotingAndNumbersAreStable() {
        #expect(BatchTable.quote("plain") == "plain")
        #expect(BatchTable.quote("a,b \"c\"") == "\"a,b \"\"c\"\"\"")
        #expect(BatchTable.number(0.1 + 0.2) == "0.30000000000000004")
        #expect(BatchTable.number(Double?.none) == "")
        #expect(BatchTable.columns.count == 16 && BatchTable.columns[BatchTable.stableColumns] == "read_ms")
    }
}
