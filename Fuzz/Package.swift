// swift-tools-version: 6.1
// libFuzzer harness for AnchorImaging's decoders. Kept out of the main package so that
// `swift build` and `swift test` stay plain; build and run it with `Fuzz/run.sh`.
import PackageDescription

let package = Package(
    name: "AnchorRegFuzz",
    dependencies: [.package(name: "AnchorReg", path: "..")],
    targets: [
        .executableTarget(
            name: "ImageFuzzer",
            dependencies: [.product(name: "AnchorReg", package: "AnchorReg")]),
    ]
)
