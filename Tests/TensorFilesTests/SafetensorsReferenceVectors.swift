import Foundation
@testable import TensorFiles

/// The files of huggingface/safetensors' own tests (`safetensors/src/tensor.rs`, the `tests`
/// module), rebuilt byte for byte from what those tests describe, with the reference's verdict on
/// each. `SafetensorsReferenceVerdictTests` checks that `SafetensorsFile` gives the same verdict,
/// and asks the Python `safetensors` package (the reference's own Rust parser) to confirm the table.
enum SafetensorsReferenceVectors {
    struct Vector {
        /// The reference test the file comes from.
        let name: String
        /// The whole file.
        let bytes: [UInt8]
        /// True when the reference reads the file, false when it refuses it.
        let accepted: Bool
        /// Data bytes after `bytes` that are zero: written as a sparse file (the GPT-2 layouts).
        var zeroTail: Int = 0
    }

    /// A file whose 8-byte length prefix is `length` (default: the header's own length), then
    /// `header` unpadded, then `data`.
    static func file(_ header: String, length: UInt64? = nil, data: [UInt8] = []) -> [UInt8] {
        let h = Array(header.utf8)
        return ElementCodec.littleEndianBytes([length ?? UInt64(h.count)]) + h + data
    }

    static let i32x4 = #"{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}"#

    static var all: [Vector] {
        var v: [Vector] = []
        // test_serialization: one F32 [1, 2, 3] tensor, header padded with spaces to 8 bytes.
        let floats = ElementCodec.littleEndianBytes([Float(0), 1, 2, 3, 4, 5].map(\.bitPattern))
        v.append(Vector(name: "serialization", bytes: file(#"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#, data: floats), accepted: true))
        // test_empty: no tensors, with and without metadata, space-padded.
        v.append(Vector(name: "empty", bytes: file("{}      "), accepted: true))
        v.append(Vector(name: "empty_with_metadata", bytes: file(#"{"__metadata__":{"framework":"pt"}}     "#), accepted: true))
        // test_empty_shapes_allowed: a scalar (shape []) holds one element.
        v.append(Vector(name: "empty_shapes_allowed", bytes: file(#"{"test":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}"#, data: zeros(4)), accepted: true))
        // test_deserialization / test_lifetimes: I32 [2, 2], 16 bytes.
        v.append(Vector(name: "deserialization", bytes: file(i32x4, data: zeros(16)), accepted: true))
        // test_json_attack: ten tensors all claiming bytes 0..<16.
        let attack = (0..<10).map { #""weight_\#($0)":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}"# }
        v.append(Vector(name: "json_attack", bytes: file("{" + attack.joined(separator: ",") + "}", data: zeros(16)), accepted: false))
        // test_metadata_incomplete_buffer: bytes after the last tensor (the polyglot file), and
        // a data region 2 bytes short.
        v.append(Vector(name: "metadata_incomplete_buffer (polyglot)", bytes: file(i32x4, data: zeros(16) + Array("extra_bogus_data_for_polyglot_file".utf8)), accepted: false))
        v.append(Vector(name: "metadata_incomplete_buffer (2 bytes missing)", bytes: file(i32x4, data: zeros(14)), accepted: false))
        // test_header_too_large: a length prefix of 0xffffff00_0000003c.
        v.append(Vector(name: "header_too_large", bytes: file(i32x4, length: 0xffff_ff00_0000_003c, data: zeros(16)), accepted: false))
        // test_header_too_small: an empty file.
        v.append(Vector(name: "header_too_small", bytes: [], accepted: false))
        // test_invalid_header_length: a prefix of 60 and nothing after it.
        v.append(Vector(name: "invalid_header_length", bytes: ElementCodec.littleEndianBytes([UInt64(60)]), accepted: false))
        // test_invalid_header_non_utf8 and test_invalid_header_not_json.
        v.append(Vector(name: "invalid_header_non_utf8", bytes: ElementCodec.littleEndianBytes([UInt64(1)]) + [0xff], accepted: false))
        v.append(Vector(name: "invalid_header_not_json", bytes: file("{"), accepted: false))
        // test_whitespace_padded_header / test_whitespace_leading_padded_header: JSON whitespace
        // (CR, space, tab, LF) around the object is allowed.
        v.append(Vector(name: "whitespace_padded_header", bytes: file("{}\r \t\n"), accepted: true))
        v.append(Vector(name: "whitespace_leading_padded_header", bytes: file("\t\n{}\r "), accepted: true))
        // test_zero_sized_tensor: shape [2, 0] with offsets [0, 0] and no data.
        v.append(Vector(name: "zero_sized_tensor", bytes: file(#"{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}"#), accepted: true))
        // test_invalid_info: [2, 2] I32 with offsets [0, 4] and no data.
        v.append(Vector(name: "invalid_info", bytes: file(#"{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0, 4]}}"#), accepted: false))
        // test_validation_overflow: element counts that overflow u64.
        v.append(Vector(name: "validation_overflow (shape)", bytes: file(#"{"test":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}"#, data: zeros(16)), accepted: false))
        v.append(Vector(name: "validation_overflow (bytes)", bytes: file(#"{"test":{"dtype":"I32","shape":[2,9223372036854775807],"data_offsets":[0,16]}}"#, data: zeros(16)), accepted: false))
        // test_gpt2 / test_gpt2_tiny: GPT-2's tensor layout (12 and 6 blocks), F32, all zeros.
        v.append(gpt2Like(blocks: 6, name: "gpt2_tiny"))
        v.append(gpt2Like(blocks: 12, name: "gpt2"))
        return v
    }

    static func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: n) }

    /// GPT-2's tensors back to back in name order; the data is a sparse tail of zeros.
    static func gpt2Like(blocks: Int, name: String) -> Vector {
        var tensors: [(String, [Int])] = [("wte", [50257, 768]), ("wpe", [1024, 768])]
        for i in 0..<blocks {
            tensors += [
                ("h.\(i).ln_1.weight", [768]), ("h.\(i).ln_1.bias", [768]), ("h.\(i).attn.bias", [1, 1, 1024, 1024]),
                ("h.\(i).attn.c_attn.weight", [768, 2304]), ("h.\(i).attn.c_attn.bias", [2304]),
                ("h.\(i).attn.c_proj.weight", [768, 768]), ("h.\(i).attn.c_proj.bias", [768]),
                ("h.\(i).ln_2.weight", [768]), ("h.\(i).ln_2.bias", [768]),
                ("h.\(i).mlp.c_fc.weight", [768, 3072]), ("h.\(i).mlp.c_fc.bias", [3072]),
                ("h.\(i).mlp.c_proj.weight", [3072, 768]), ("h.\(i).mlp.c_proj.bias", [768]),
            ]
        }
        tensors += [("ln_f.weight", [768]), ("ln_f.bias", [768])]
        let layout = tensors.sorted { $0.0 < $1.0 }.map { (name: $0.0, dtype: DType.f32, shape: $0.1, byteCount: $0.1.reduce(4, *)) }
        let header = SafetensorsWriter.headerBytes(layout, metadata: [:])
        let bytes = ElementCodec.littleEndianBytes([UInt64(header.count)]) + header
        return Vector(name: name, bytes: bytes, accepted: true, zeroTail: layout.map(\.byteCount).reduce(0, +))
    }

    /// Writes `vector` to `url`; the zero tail becomes a hole, so the GPT-2 files cost no disk.
    static func write(_ vector: Vector, to url: URL) throws {
        try Data(vector.bytes).write(to: url)
        if vector.zeroTail > 0 {
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(vector.bytes.count + vector.zeroTail))
            try handle.close()
        }
    }
}
