import Foundation
@testable import VisionModels

/// A checkpoint folder's JSON files, each input read both ways: as `model.safetensors.index.json`
/// (weight_map → shards) and as an LVLM `config.json` (tower config, its checked architecture, the
/// LVLM spec and what reaches the LLM), through the same entry points the file readers use.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let json = Data(fuzzBytes(data, size))
    do { _ = try CheckpointIndex(data: json, path: "model.safetensors.index.json").shards } catch { checkRefusal(error) }
    do {
        let spec = try ModelFolder.config(json: json, source: "config.json").architecture(source: "config.json")
        let g = spec.trainedGrid
        _ = try ModelFolder.lvlm(json: json, source: "config.json")?.info(layers: spec.layers, prefix: spec.prefixTokens, grid: [g, g], path: "config.json")
    } catch { checkRefusal(error) }
    // The LVLM keys alone, against a fixed tower (a bad vision_config must not hide them).
    do {
        _ = try ModelFolder.lvlm(json: json, source: "config.json")?.info(layers: 12, prefix: 1, grid: [16, 16], path: "config.json")
    } catch { checkRefusal(error) }
    return 0
}
