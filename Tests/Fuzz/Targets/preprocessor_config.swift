import Foundation
import Images

/// A model folder's `preprocessor_config.json`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(fuzzBytes(data, size))
    for name in ["dinov2", "vit", "clip"] {
        guard let arch = Preprocessor.Architecture(name: name) else { continue }
        do { _ = try Preprocessor.huggingFace(json: bytes, source: "preprocessor_config.json", architecture: arch) } catch { checkRefusal(error) }
    }
    return 0
}
