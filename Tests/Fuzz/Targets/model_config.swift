import Foundation
import VisionModels

/// A model folder's `config.json` (model_type dispatch, each family's config and its validation).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let folder = fuzzScratch.appendingPathComponent("model")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    _ = fuzzFile("model/config.json", UnsafeRawBufferPointer(start: data, count: size))
    do { _ = try ModelFolder(url: folder).readConfig() } catch { checkRefusal(error) }
    return 0
}
