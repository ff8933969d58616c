// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "AnchorReg",
    products: [
        .library(
            name: "AnchorReg",
            targets: ["AnchorGeometry", "AnchorImaging", "AnchorModels", "AnchorRegistration"]),
        .executable(name: "anchorreg", targets: ["anchorreg"]),
        .executable(name: "anchorreg-bench", targets: ["anchorreg-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // System C libraries present on every machine (zlib, libpng, libjpeg-turbo).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),

        .target(
            name: "AnchorGeometry",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        .target(
            name: "AnchorImaging",
            dependencies: [
                "AnchorGeometry", "CZlib", "CPNG", "CJPEG",
                .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(
            name: "AnchorModels",
            dependencies: ["AnchorGeometry"]),
        .target(
            name: "AnchorRegistration",
            dependencies: [
                "AnchorGeometry", "AnchorImaging", "AnchorModels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(
            name: "AnchorRegCLI",
            dependencies: [
                "AnchorGeometry", "AnchorImaging", "AnchorModels", "AnchorRegistration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "anchorreg",
            dependencies: ["AnchorRegCLI"],
            // The shipped tool carries the Swift runtime and Foundation inside (what
            // `swift build --static-swift-stdlib` does, here for every build of it): loading and
            // relocating a dozen shared libraries cost ~6 ms of CPU per run, a fifth of a 512²
            // frame's `locate --outputs json` (docs/series.md). `-static-stdlib` takes the
            // runtime from lib/swift_static; Foundation's own dependencies are named because
            // the modules were compiled against the shared SDK, whose autolink entries omit them.
            linkerSettings: [.unsafeFlags(staticRuntime, .when(platforms: [.linux]))]),
        // Benchmark and study commands, kept out of the shipped `anchorreg`.
        .target(
            name: "AnchorRegBench",
            dependencies: [
                "AnchorRegCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "anchorreg-bench",
            dependencies: ["AnchorRegBench"]),

        .testTarget(
            name: "AnchorGeometryTests",
            dependencies: [
                "AnchorGeometry",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        // The one helper that finds ../shared for the tests that read real data.
        .target(name: "TestData", path: "Tests/TestData"),
        .testTarget(
            name: "AnchorImagingTests",
            dependencies: ["AnchorImaging", "TestData"]),
        .testTarget(
            name: "AnchorModelsTests",
            dependencies: ["AnchorModels"]),
        .testTarget(
            name: "AnchorRegistrationTests",
            dependencies: [
                "AnchorRegistration", "TestData",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "AnchorRegCLITests",
            dependencies: ["AnchorRegCLI", "TestData"]),
        .testTarget(
            name: "AnchorRegBenchTests",
            dependencies: ["AnchorRegBench"]),
    ]
)

/// Link flags for a statically linked Swift runtime and Foundation on Linux (see `anchorreg`).
var staticRuntime: [String] {
    ["-static-stdlib", "-Xlinker", "--start-group"]
        + ["Foundation", "FoundationInternationalization", "FoundationEssentials", "CoreFoundation", "_FoundationICU",
           "_FoundationCShims", "_FoundationCollections", "swiftSynchronization", "swift_RegexParser",
           "swift_StringProcessing", "swift_Concurrency", "swiftDispatch"].map { "-l" + $0 }
        + ["-Xlinker", "--end-group"]
}
