// swift-tools-version:6.0
import PackageDescription

// Dependencies run one way, bottom to top (docs/architecture.md draws the graph; the test
// script scripts/check-imports.sh fails when a source file imports a module its target does not
// depend on):
//   C shims (CBLAS, CLAPACKE, CGD, CZlib) · Support
//   → LinearAlgebra, TensorFiles, Images, ONNXFormat
//   → ActivationStore, Scenes, Plotting
//   → VisionModels → SinkAnalysis → ReportKit
//   → Workflow, Benchmarks → SinkScopeCLI → sinkscope
let package = Package(
    name: "SinkScope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sinkscope", targets: ["sinkscope"]),
        .library(name: "Support", targets: ["Support"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "TensorFiles", targets: ["TensorFiles"]),
        .library(name: "ActivationStore", targets: ["ActivationStore"]),
        .library(name: "Images", targets: ["Images"]),
        .library(name: "Scenes", targets: ["Scenes"]),
        .library(name: "VisionModels", targets: ["VisionModels"]),
        .library(name: "SinkAnalysis", targets: ["SinkAnalysis"]),
        .library(name: "Plotting", targets: ["Plotting"]),
        .library(name: "ReportKit", targets: ["ReportKit"]),
        .library(name: "Workflow", targets: ["Workflow"]),
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
        .target(name: "Support"),
        // The forward's elementwise loops (softmax, MLP nonlinearities) in C: compiled for the baseline
        // and for AVX2 + FMA, picked at run time (Swift has no per-function target attributes).
        .target(name: "CVectorMath"),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CLAPACKE"]),
        .target(name: "TensorFiles", dependencies: ["CZlib"]),
        .target(name: "Images", dependencies: ["CGD", "Support"]),
        .target(
            name: "ONNXFormat",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "ActivationStore", dependencies: ["TensorFiles", "Support"]),
        .target(name: "Scenes", dependencies: ["Images", "Support", "CGD"]),
        .target(name: "Plotting", dependencies: ["Images", "CGD"]),
        .target(
            name: "VisionModels",
            dependencies: ["LinearAlgebra", "TensorFiles", "ActivationStore", "Images", "ONNXFormat", "Support", "CVectorMath"]),
        .target(
            name: "SinkAnalysis",
            dependencies: ["LinearAlgebra", "TensorFiles", "ActivationStore", "Images", "Support", "Yams"]),
        .target(
            name: "ReportKit",
            dependencies: ["Plotting", "SinkAnalysis", "ActivationStore", "LinearAlgebra", "Images", "Support"]),
        .target(
            name: "Workflow",
            dependencies: ["ReportKit", "SinkAnalysis", "VisionModels", "Scenes", "Images", "ActivationStore", "Support"]),
        .target(
            name: "Benchmarks",
            dependencies: ["VisionModels", "SinkAnalysis", "Plotting", "Images", "ActivationStore", "LinearAlgebra", "Support"]),
        .target(
            name: "SinkScopeCLI",
            dependencies: [
                "LinearAlgebra", "TensorFiles", "ActivationStore", "Images", "Scenes", "VisionModels",
                "SinkAnalysis", "Plotting", "ReportKit", "Workflow", "Benchmarks", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "sinkscope", dependencies: ["SinkScopeCLI"]),

        // MARK: - Tests
        .target(
            name: "TestSupport", dependencies: ["TensorFiles", "ActivationStore", "Support"],
            path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Support", "TestSupport"]),
        .testTarget(name: "ScenesTests", dependencies: ["Scenes", "Images", "TestSupport"]),
        .testTarget(name: "TensorFilesTests", dependencies: ["TensorFiles", "TestSupport"]),
        .testTarget(name: "ActivationStoreTests", dependencies: ["ActivationStore", "TestSupport"]),
        .testTarget(name: "ONNXFormatTests", dependencies: ["ONNXFormat", "TestSupport"]),
        .testTarget(name: "VisionModelsTests", dependencies: ["VisionModels", "Images", "TestSupport", "CVectorMath"]),
        .testTarget(name: "SinkAnalysisTests", dependencies: ["SinkAnalysis", "Scenes", "Images", "Support", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "Images", "TestSupport"]),
        .testTarget(name: "ReportKitTests", dependencies: ["ReportKit", "Images", "Support", "TestSupport"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "ReportKit", "SinkAnalysis", "ActivationStore", "TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Plotting", "Images", "TensorFiles", "VisionModels", "TestSupport"]),
        .testTarget(
            name: "SinkScopeCLITests", dependencies: ["SinkScopeCLI", "SinkAnalysis", "Workflow", "TestSupport"]),
    ]
)
