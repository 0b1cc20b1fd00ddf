import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkAnalysis

/// Sink-aware token orders: the permutation, its inverse, position ids, and a Python check that
/// applying the exported file to a toy sequence puts exactly the sinks first and keeps the rest in order.
final class PathwayOrderTests: XCTestCase {
    func testStablePermutation() throws {
        let order = try SinkAwareOrder(sinkMask: [0, 1, 0, 1, /**/ 0, 0, 0, 0, /**/ 1, 0, 0, 0], visualTokens: 4,
                                       positions: [5, 6, 7, 8, 5, 6, 7, 8, 9, 10, 11, 12])
        XCTAssertEqual(order.permutation, [1, 3, 0, 2, 0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertEqual(order.inverse, [2, 0, 3, 1, 0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertEqual(order.positionIDs, [6, 8, 5, 7, 5, 6, 7, 8, 9, 10, 11, 12])
        XCTAssertEqual(order.sinkCounts, [2, 0, 1])
        XCTAssertEqual(try SinkAwareOrder(sinkMask: [1, 0, 2], visualTokens: 3).positionIDs, [0, 2, 1], "patch indices without positions")
        XCTAssertThrowsError(try SinkAwareOrder(sinkMask: [1, 0, 0], visualTokens: 2))
    }

    func testPythonAppliesTheExportedOrder() throws {
        try Python.require(["numpy", "safetensors.numpy"])
        // Sinks: patch 4 of every image and patch 0 of image 2; LLM positions start at 1.
        let store = try PlantedLVLM.massiveDimensions().store(self)
        let dir = store.url.deletingLastPathComponent()
        let file = dir.appendingPathComponent("order.safetensors")
        let summary = try SinkAwareOrder.export(store: store, detector: NormThreshold(tau: 10), to: file)
        XCTAssertEqual(summary.sinks.total, 4)
        XCTAssertEqual(summary.positionIDs, "llm.visual_positions")
        let script = dir.appendingPathComponent("apply_order.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try Python.run([script.path, file.path, "[[4], [4], [0, 4]]", "1"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("order ok: 3 images"), output)
    }

    func testNonLVLMStoreNeedsALayer() throws {
        let url = temporaryDirectory("order-plain")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = ModelInfo(name: "m", architecture: "vit", patchSize: 1, imageSize: 2, hiddenSize: 2, heads: 0, layers: 1, prefixTokens: 1, grid: [1, 2])
        let writer = try StoreWriter(url: url, model: model, layers: [1], hiddenDType: .f32)
        try writer.append(ImageActivations(image: ImageEntry(id: "x", source: "x"), hidden: [1: [9, 9, 1, 0, 30, 40]]))
        try writer.commit()
        let store = try StoreReader(url: url)
        let file = url.appendingPathComponent("order.safetensors")
        XCTAssertThrowsError(try SinkAwareOrder.export(store: store, detector: NormThreshold(tau: 10), to: file)) { error in
            XCTAssertEqual("\(error)", "Pathway analysis: layer=none is invalid; it must be given for a store that was not imported with --lvlm (captured layers: [1]).")
        }
        let s = try SinkAwareOrder.export(store: store, detector: NormThreshold(tau: 10), layer: 1, to: file)
        XCTAssertEqual(s.positionIDs, "patch index")
        let tensors = try SafetensorsFile(url: file)
        XCTAssertEqual(try tensors.tensor("order.permutation").int64s(), [1, 0], "CLS is not a visual token; patch 1 (norm 50) is the sink")
    }

    /// Applies the exported order to a toy LLM sequence per image (text, P visual tokens named by
    /// patch index, text) and checks every promise of the format independently of SinkScope.
    static let script = #"""
import json, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

path, planted, start = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
o = load_file(path)
meta = safe_open(path, framework="np").metadata()
assert meta["format"] == "sinkscope-token-order", meta
perm, inv, pos = o["order.permutation"], o["order.inverse"], o["order.position_ids"]
mask, count = o["split.sink_mask"], o["split.sink_count"]
n, P = perm.shape
assert perm.dtype == np.int64 and pos.dtype == np.int64 and mask.dtype == np.uint8 and count.shape == (n,)
ids = json.loads(meta["image_ids"])
assert len(ids) == n == len(planted)
for i in range(n):
    visual = [f"v{p}" for p in range(P)]
    sequence = ["<s>"] + visual + ["what", "is", "this"]           # visual block at positions start..start+P-1
    original_pos = np.arange(start, start + P)
    new_visual = [visual[k] for k in perm[i]]
    new_sequence = sequence[:start] + new_visual + sequence[start + P:]
    sinks = sorted(planted[i])
    k = int(count[i])
    assert k == len(sinks), (i, k, sinks)
    assert new_visual[:k] == [f"v{p}" for p in sinks], (i, new_visual[:k])                    # exactly the sinks, in order
    assert new_visual[k:] == [f"v{p}" for p in range(P) if p not in sinks], (i, new_visual[k:])  # the rest, in order
    assert new_sequence[:start] == sequence[:start] and new_sequence[start + P:] == sequence[start + P:]
    assert list(pos[i]) == list(original_pos[perm[i]]), (i, pos[i])                          # positions travel with tokens
    assert [new_visual[j] for j in inv[i]] == visual                                          # inverse undoes it
    assert list(np.nonzero(mask[i])[0]) == sinks
print(f"order ok: {n} images")
"""#
}
