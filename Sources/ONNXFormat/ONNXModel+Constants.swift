import Foundation

extension ONNXModel {
    /// The tensor held by the `value` attribute of the `Constant` node `name`, as Floats.
    /// Returns nil when there is no such Constant node.
    public func constantFloats(nodeNamed name: String) throws -> ONNXTensor? {
        guard let t = constantTensor(nodeNamed: name) else { return nil }
        return try ONNXTensorDecoder.decode(t, path: url.path)
    }

    /// The INT64 tensor held by the `Constant` node `name` (shape constants, e.g. head counts).
    /// Returns nil when there is no such Constant node.
    public func constantInts(nodeNamed name: String) throws -> [Int64]? {
        guard let t = constantTensor(nodeNamed: name) else { return nil }
        guard t.dataType == 7 else {
            throw ONNXFormatError.unsupportedTensor(path: url.path, name: name, reason: "data type \(t.dataType) is not INT64")
        }
        if t.rawData.isEmpty { return t.int64Data }
        guard t.rawData.count % 8 == 0 else {
            throw ONNXFormatError.badTensor(path: url.path, name: name, reason: "\(t.rawData.count) raw bytes is not a multiple of 8")
        }
        return t.rawData.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
    }

    private func constantTensor(nodeNamed name: String) -> Onnx_TensorProto? {
        guard let node = node(named: name), node.opType == "Constant" else { return nil }
        return node.attribute.first { $0.name == "value" && $0.hasT }?.t
    }
}
