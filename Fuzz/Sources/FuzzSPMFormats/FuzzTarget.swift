import AnchorImaging
import Foundation

/// Which decoder this process feeds, from the environment variable `FUZZ_FORMAT`
/// (sxm, gwy, gsf, npy, spm, raw, nanoscope, dm, ibw, createc, sm4, any). Read once: libFuzzer calls the target millions of times.
let fuzzFormat: String = ProcessInfo.processInfo.environment["FUZZ_FORMAT"] ?? "any"
/// `FUZZ_VERBOSE=1` prints each input's outcome (to check that the seeds are valid files).
let fuzzVerbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

/// One fuzz input. Success and `FormatError` are both fine; anything else — a trap, an
/// out-of-bounds access (caught by ASan), or a different error type — is a finding.
func fuzzOne(_ data: Data) {
    do {
        switch fuzzFormat {
        case "sxm": _ = try NanonisSXM.read(data: data)
        case "gwy": _ = try GwyddionGWY.read(data: data)
        case "gsf": _ = try GwyddionGSF.read(data: data)
        case "npy": _ = try NumPyNPY.read(data: data)
        case "spm": _ = try ISO28600SPM.read(data: data)
        case "nanoscope": _ = try BrukerNanoScope.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        case "dm": _ = try GatanDM.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        case "ibw": _ = try IgorIBW.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        case "createc": _ = try CreatecDAT.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        case "sm4": _ = try RHKSM4.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        case "raw":
            // The first 4 bytes choose the layout, the rest is the file; the layout parser
            // gets the same bytes as text.
            guard data.count >= 4 else { return }
            let b = [UInt8](data.prefix(4))
            let type = RawSampleType.allCases[Int(b[2]) % RawSampleType.allCases.count]
            let layout = RawLayout(rows: 1 + Int(b[0] % 64), cols: 1 + Int(b[1] % 64), sampleType: type,
                                   offset: Int(b[3] % 16))
            _ = try? RawLayout(parsing: String(decoding: data.prefix(32), as: UTF8.self))
            _ = try RawImport.read(data: data.dropFirst(4), layout: layout)
        default: _ = try ImageFile.read(data: data, options: ImageReadOptions(maxPixels: 1 << 22))
        }
        if fuzzVerbose { print("ok") }
    } catch let e as FormatError {
        if fuzzVerbose { print("FormatError: \(e)") }
    } catch {
        fatalError("non-FormatError escaped: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafeRawPointer?, _ size: Int) -> CInt {
    guard let bytes else { return 0 }
    fuzzOne(Data(bytes: bytes, count: size))
    return 0
}
