import SinkAnalysis
import Support
import Foundation
import LinearAlgebra

extension ProbeBenchmark {
    /// A seeded synthetic probing data set: 10 Gaussian classes whose centres sit ~4 noise
    /// units apart, plus a 32-dimensional latent factor with decaying scales (so PCA has a
    /// real spectrum to find) and unit isotropic noise.
    /// - Returns: x `[n, D]` and labels `[n]` in `0..<classes`.
    static func syntheticData(rows n: Int, features d: Int, classes: Int = 10, seed: UInt64) -> (Matrix, [Int]) {
        var rng = SeededGenerator(seed: seed)
        let rank = min(32, d)
        let spread = Float(4 / (2.0 * Double(d)).squareRoot())
        let centres = (0..<(classes * d)).map { _ in Float(rng.gaussian()) * spread }
        // Factor loadings [rank, D]: factor r has scale 4 / (1 + r/4), spread over the D features.
        let loadings = Matrix(rows: rank, cols: d, values: (0..<(rank * d)).map { i in
            Float(rng.gaussian() * 4 / (1 + Double(i / d) / 4) / Double(d).squareRoot() * 3)
        })
        let latent = Matrix(rows: n, cols: rank, values: rng.gaussians(n * rank))
        var x = matmul(latent, loadings)                       // [n, rank]·[rank, D]
        let labels = (0..<n).map { _ in rng.below(classes) }
        let noise = rng.gaussians(n * d)
        x.values.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let c = labels[i] * d
                for j in 0..<d { p[i * d + j] += centres[c + j] + noise[i * d + j] }
            }
        }
        return (x, labels)
    }
}

/// Minimal `.npy` (format 1.0, little-endian, C order) writer so the scikit-learn side reads
/// exactly the matrices SinkScope timed. Written to a temporary name, then renamed.
enum NPYWriter {
    static func write(float32 values: [Float], shape: [Int], to url: URL) throws {
        try write(descr: "<f4", shape: shape, payload: values.withUnsafeBufferPointer { Data(buffer: $0) }, to: url)
    }

    static func write(int64 values: [Int], shape: [Int], to url: URL) throws {
        let wide = values.map { Int64($0).littleEndian }
        try write(descr: "<i8", shape: shape, payload: wide.withUnsafeBufferPointer { Data(buffer: $0) }, to: url)
    }

    private static func write(descr: String, shape: [Int], payload: Data, to url: URL) throws {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
        // magic (6) + version (2) + length (2) + header must be a multiple of 64, ending in "\n".
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(payload)
        let temporary = url.appendingPathExtension("partial")
        try data.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}
