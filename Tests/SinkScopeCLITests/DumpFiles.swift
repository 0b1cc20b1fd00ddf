import Foundation
import TensorFiles

/// Small dump files built in the tests: `.npy` written by hand (format version 1) and
/// `.safetensors` through the library writer.
enum DumpFiles {
    /// Writes a little-endian f32 C-order `.npy`.
    static func writeNPY(_ values: [Float], shape: [Int], to url: URL) throws {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        bytes += DType.f32.encode(values)
        try Data(bytes).write(to: url)
    }

    /// Deterministic values `[count]` distinct per salt.
    static func values(_ count: Int, salt: Int) -> [Float] {
        (0..<count).map { Float(($0 * 37 + salt * 101) % 977) / 64 - 7 }
    }
}
