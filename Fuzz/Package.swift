// swift-tools-version: 6.1
// libFuzzer harnesses for AnchorReg's decoders. Kept out of the main package so that
// `swift build` and `swift test` stay plain; build and run them with `Fuzz/run.sh` (PNG, JPEG,
// TIFF, content sniffing) and `Fuzz/run-spm.sh` (SXM, GWY, GSF, NPY, SPM, raw). See README.md.
import PackageDescription

let package = Package(
    name: "AnchorRegFuzz",
    dependencies: [.package(name: "AnchorReg", path: "..")],
    targets: [
        .executableTarget(
            name: "ImageFuzzer",
            dependencies: [.product(name: "AnchorReg", package: "AnchorReg")]),
        // Nanonis SXM, Gwyddion GWY/GSF, NumPy NPY, ISO 28600 SPM, raw import.
        .executableTarget(
            name: "FuzzSPMFormats",
            dependencies: [.product(name: "AnchorReg", package: "AnchorReg")]),
    ]
)
