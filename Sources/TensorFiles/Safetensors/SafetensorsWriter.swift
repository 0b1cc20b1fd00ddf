import Foundation

/// Writes safetensors files atomically (temporary file, then rename).
///
/// Tensors are laid out back to back in the order given; the header is padded with spaces to a
/// multiple of 8 bytes, as the reference implementation does, so data stays aligned.
public enum SafetensorsWriter {
    /// Writes `tensors` (names must be unique, non-empty and not `__metadata__`).
    /// - Throws: `TensorFileError.writeFailed` for a bad name, a header over the 100 MB limit or an I/O failure; the target is
    ///   left as it was.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard !name.isEmpty, name != "__metadata__", seen.insert(name).inserted else {
                throw TensorFileError.writeFailed(file: url.path, reason: "tensor name '\(name)' is empty, reserved or repeated")
            }
        }
        // The names and metadata alone bound the header from below: refuse before building it.
        let textBytes = metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } + tensors.reduce(0) { $0 + $1.name.utf8.count }
        guard textBytes <= SafetensorsHeader.maximumHeaderLength else {
            throw TensorFileError.writeFailed(file: url.path, reason: "the header would be over \(textBytes) bytes, over the \(SafetensorsHeader.maximumHeaderLength)-byte limit readers enforce")
        }
        let header = headerBytes(tensors.map { ($0.name, $0.tensor.dtype, $0.tensor.shape, $0.tensor.bytes.count) }, metadata: metadata)
        guard header.count <= SafetensorsHeader.maximumHeaderLength else {
            throw TensorFileError.writeFailed(file: url.path, reason: "the header would be \(header.count) bytes, over the \(SafetensorsHeader.maximumHeaderLength)-byte limit readers enforce")
        }
        try AtomicFile.write(to: url) { sink in
            try sink.write(ElementCodec.littleEndianBytes([UInt64(header.count)]))
            try sink.write(header)
            for (_, tensor) in tensors { try sink.write(tensor.bytes) }
        }
    }

    /// The JSON header for tensors laid out in order, padded with spaces to a multiple of 8.
    static func headerBytes(_ tensors: [(name: String, dtype: DType, shape: [Int], byteCount: Int)], metadata: [String: String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for t in tensors {
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.byteCount)]}")
            offset += t.byteCount
        }
        var bytes = Array("{\(parts.joined(separator: ","))}".utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func jsonString(_ s: String) -> String {
        // Most names need no escape: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
