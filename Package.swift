// swift-tools-version:6.0
import PackageDescription

// Dependencies run one way, top to bottom:
// C shims → LinearAlgebra, TensorFiles → ActivationStore → VisionModels → SinkAnalysis
// → Plotting → ReportKit → SinkScopeCLI → sinkscope.
let package = Package(
    name: "SinkScope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sinkscope", targets: ["sinkscope"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "TensorFiles", targets: ["TensorFiles"]),
        .library(name: "ActivationStore", targets: ["ActivationStore"]),
        .library(name: "VisionModels", targets: ["VisionModels"]),
        .library(name: "SinkAnalysis", targets: ["SinkAnalysis"]),
        .library(name: "Plotting", targets: ["Plotting"]),
        .library(name: "ReportKit", targets: ["ReportKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        // MARK: - C shims (headers only, found with pkg-config)
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(
            name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"]), .brew(["lapack"])]),
        .systemLibrary(
            name: "CGD", path: "Sources/CGD", pkgConfig: "gdlib",
            providers: [.apt(["libgd-dev"]), .brew(["gd"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // MARK: - Library modules
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CLAPACKE"]),
        .target(name: "TensorFiles", dependencies: ["CZlib"]),
        .target(name: "ActivationStore", dependencies: ["TensorFiles"]),
        .target(
            name: "ONNXFormat",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(
            name: "VisionModels",
            dependencies: ["LinearAlgebra", "TensorFiles", "ActivationStore", "ONNXFormat", "CGD"]),
        .target(
            name: "SinkAnalysis",
            dependencies: ["LinearAlgebra", "TensorFiles", "ActivationStore", "VisionModels", "Yams"]),
        .target(name: "Plotting", dependencies: ["CGD"]),
        .target(
            name: "ReportKit",
            dependencies: ["Plotting", "SinkAnalysis", "ActivationStore", "VisionModels"]),
        .target(
            name: "SinkScopeCLI",
            dependencies: [
                "LinearAlgebra", "TensorFiles", "ActivationStore", "VisionModels",
                "SinkAnalysis", "Plotting", "ReportKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "sinkscope", dependencies: ["SinkScopeCLI"]),

        // MARK: - Tests
        .target(
            name: "TestSupport", dependencies: ["TensorFiles", "ActivationStore"],
            path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "TensorFilesTests", dependencies: ["TensorFiles", "TestSupport"]),
        .testTarget(name: "ActivationStoreTests", dependencies: ["ActivationStore", "TestSupport"]),
        .testTarget(name: "ONNXFormatTests", dependencies: ["ONNXFormat", "TestSupport"]),
        .testTarget(name: "VisionModelsTests", dependencies: ["VisionModels", "TestSupport"]),
        .testTarget(name: "SinkAnalysisTests", dependencies: ["SinkAnalysis", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"]),
        .testTarget(name: "ReportKitTests", dependencies: ["ReportKit", "TestSupport"]),
        .testTarget(
            name: "SinkScopeCLITests", dependencies: ["SinkScopeCLI", "TestSupport"]),
    ]
)
