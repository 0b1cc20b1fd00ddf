import Foundation
@testable import ActivationStore

/// Dumps `sinkscope import` reads: the plain (hidden_states / attentions) and the LVLM layouts,
/// as .npz (input starting "PK") or .safetensors; every per-image read the importers make.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let zip = size >= 2 && raw[0] == 0x50 && raw[1] == 0x4b
    let url = fuzzFile(zip ? "dump.npz" : "dump.safetensors", raw)
    do {
        let dump = try DumpFile(url: url)
        for i in 0..<min(dump.images, 2) {
            for l in dump.layers.prefix(3) { _ = try dump.hidden(layer: l, image: i) }
            for b in 0..<min(dump.attentionBlocks, 2) { _ = try dump.attention(block: b, image: i) }
        }
    } catch { checkRefusal(error) }
    do {
        let lvlm = try LVLMDumpFile(url: url, vitLayer: nil, vitBlocks: nil)
        for i in 0..<min(lvlm.images, 2) {
            for l in lvlm.vitLayers.prefix(2) { _ = try lvlm.vitHidden(layer: l, image: i) }
            for b in 0..<min(lvlm.llmBlocks, 2) where lvlm.received != nil { _ = try lvlm.received(block: b, image: i) }
            for l in lvlm.llmHiddenLayers.prefix(2) { _ = try lvlm.llmHidden(layer: l, image: i) }
        }
    } catch { checkRefusal(error) }
    return 0
}
