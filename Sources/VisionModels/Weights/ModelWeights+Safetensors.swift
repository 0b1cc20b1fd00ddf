import Foundation
import TensorFiles

extension ModelWeights {
    /// Reads every tensor of a safetensors file as Float (F32, F16, BF16 and F64 are converted).
    /// - Throws: `TensorFileError` for a malformed file.
    public init(safetensors url: URL) throws {
        let file = try SafetensorsFile(url: url)
        self.init(source: url.path)
        for name in file.names {
            let info = try file.info(name)
            set(name, shape: info.shape, values: try file.floats(name))
        }
    }

    /// Writes the weights as F32 safetensors (atomically), names sorted, with HF's `format: pt` metadata.
    public func writeSafetensors(to url: URL, metadata: [String: String] = ["format": "pt"]) throws {
        let tensors = names.map { name -> (name: String, tensor: Tensor) in
            let e = entries[name]!
            return (name, Tensor(floats: e.values, shape: e.shape))
        }
        try SafetensorsWriter.write(tensors, metadata: metadata, to: url)
    }
}
