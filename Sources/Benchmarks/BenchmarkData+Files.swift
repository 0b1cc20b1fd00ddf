import Plotting
import Support
import Images
import Foundation

/// The benchmark data as raw little-endian files plus `meta.json`, for `scripts/bench_plots.py`:
///
///     norms.f32        [L, 12850]       token norms per layer
///     images.u8        [L, 224, 224, 3] RGB images
///     grids.f32        [L, 16, 16]      per-patch norms
///     curves.f32       [3, 5, L]        mean, lower, upper per probe group
///     pca.f32          [5000, 2]        PCA coordinates;  pca_category.u8 [5000]
///     cka.f32          [L, L]
///     bars.f32         [2, 2, 4]        (values, errors) x series x category
extension BenchmarkData {
    /// Writes the files into `directory` (created if needed).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func floats(_ name: String, _ v: [Float]) throws {
            let bytes = v.withUnsafeBufferPointer { Data(buffer: $0) }  // x86_64 and arm64 are little-endian
            try writeAtomically([UInt8](bytes), to: directory.appendingPathComponent(name))
        }
        try floats("norms.f32", norms.flatMap { $0 })
        try writeAtomically(images.flatMap { $0 }, to: directory.appendingPathComponent("images.u8"))
        try floats("grids.f32", grids.flatMap { $0 })
        try floats("curves.f32", (curveMean + curveLower + curveUpper).flatMap { $0 })
        try floats("pca.f32", pca)
        try writeAtomically(pcaCategory, to: directory.appendingPathComponent("pca_category.u8"))
        try floats("cka.f32", cka)
        try floats("bars.f32", (barValues + barErrors).flatMap { $0 })
        let meta: [String: Any] = [
            "layers": BenchmarkData.layers, "tokens_per_layer": BenchmarkData.tokensPerLayer,
            "image_side": BenchmarkData.imageSide, "grid_side": BenchmarkData.gridSide,
            "threshold": Double(threshold), "curve_names": curveNames, "pca_names": pcaNames,
            "bar_categories": barCategories, "bar_series": ["probe", "control task"],
        ]
        let json = try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
        try writeAtomically([UInt8](json), to: directory.appendingPathComponent("meta.json"))
    }
}
