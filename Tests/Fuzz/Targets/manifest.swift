import Foundation
import ActivationStore

/// A store's `manifest.json` (the store has no shards: every reference to one must be refused).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let store = fuzzScratch.appendingPathComponent("store")
    try? FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
    _ = fuzzFile("store/manifest.json", UnsafeRawBufferPointer(start: data, count: size))
    do {
        let reader = try StoreReader(url: store)
        _ = reader.layers
        _ = reader.maskMethods
        _ = try? reader.lvlmInfo()
    } catch { checkRefusal(error) }
    return 0
}
