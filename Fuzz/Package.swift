// swift-tools-version: 6.1
// libFuzzer harnesses for AnchorReg's decoders. A separate package so that the root package's
// `swift build` / `swift test` never see them; build only through `run.sh` (see README.md).
import PackageDescription

let package = Package(
    name: "AnchorRegFuzz",
    dependencies: [
        .package(name: "AnchorReg", path: ".."),
    ],
    targets: [
        // Nanonis SXM, Gwyddion GWY/GSF, NumPy NPY, ISO 28600 SPM, raw import.
        .executableTarget(
            name: "FuzzSPMFormats",
            dependencies: [.product(name: "AnchorReg", package: "AnchorReg")]),
    ]
)
