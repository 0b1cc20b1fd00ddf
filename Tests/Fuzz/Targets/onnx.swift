import Foundation
import ONNXFormat

/// ONNX protobuf: parse the model, then decode every initializer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(fuzzBytes(data, size))
    do {
        let model = try ONNXModel(data: bytes, url: URL(fileURLWithPath: "/fuzz/x.onnx"))
        for name in model.initializerNames {
            do { _ = try model.initializer(name) } catch { checkRefusal(error) }
        }
        for node in model.nodes { _ = model.node(named: node.name) }
    } catch { checkRefusal(error) }
    return 0
}
