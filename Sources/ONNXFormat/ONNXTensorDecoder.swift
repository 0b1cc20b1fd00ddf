import Foundation

/// Turns a `TensorProto` into Float values, checking every size against its dims first.
enum ONNXTensorDecoder {
    // ONNX TensorProto.DataType codes this decoder accepts.
    static let float: Int32 = 1, float16: Int32 = 10, double: Int32 = 11

    static func decode(_ t: Onnx_TensorProto, path: String) throws -> ONNXTensor {
        let name = t.name
        if t.dataLocation == .external {
            throw ONNXFormatError.unsupportedTensor(
                path: path, name: name, reason: "its data is stored in an external file, which SinkScope does not read")
        }
        guard t.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
            throw ONNXFormatError.badTensor(path: path, name: name, reason: "dims \(t.dims) are out of range")
        }
        let shape = t.dims.map { Int($0) }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow, count <= ONNXModel.maximumFileSize else {
            throw ONNXFormatError.badTensor(path: path, name: name, reason: "dims \(shape) describe too many elements")
        }
        let values: [Float]
        switch t.dataType {
        case float:
            values = t.rawData.isEmpty ? t.floatData : try littleEndian(t.rawData, count: count, width: 4, name: name, path: path) {
                Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self)))
            }
        case double:
            values = t.rawData.isEmpty ? t.doubleData.map(Float.init) : try littleEndian(t.rawData, count: count, width: 8, name: name, path: path) {
                Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self))))
            }
        case float16:
            // Without raw data, FLOAT16 values sit in int32_data, one 16-bit pattern per element.
            values = t.rawData.isEmpty ? t.int32Data.map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
                : try littleEndian(t.rawData, count: count, width: 2, name: name, path: path) {
                    Float(Float16(bitPattern: UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt16.self))))
                }
        default:
            throw ONNXFormatError.unsupportedTensor(
                path: path, name: name, reason: "data type \(t.dataType) is not FLOAT, FLOAT16 or DOUBLE")
        }
        guard values.count == count else {
            throw ONNXFormatError.badTensor(
                path: path, name: name, reason: "it holds \(values.count) values but dims \(shape) need \(count)")
        }
        return ONNXTensor(name: name, shape: shape, values: values)
    }

    /// Decodes `count` little-endian elements of `width` bytes each; `element(raw, byteOffset)` reads one.
    private static func littleEndian(
        _ data: Data, count: Int, width: Int, name: String, path: String,
        _ element: (UnsafeRawBufferPointer, Int) -> Float
    ) throws -> [Float] {
        guard data.count == count * width else {
            throw ONNXFormatError.badTensor(
                path: path, name: name, reason: "raw data has \(data.count) bytes, dims need \(count * width)")
        }
        return data.withUnsafeBytes { raw in
            // On a little-endian host FLOAT raw data is already the in-memory layout: copy it in one go.
            if width == 4, UInt32(littleEndian: 1) == 1 {
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
                    initialized = count
                }
            }
            return (0..<count).map { element(raw, $0 * width) }
        }
    }
}
