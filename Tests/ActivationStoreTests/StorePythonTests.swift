import ActivationStore
import Foundation
import TestSupport
import XCTest

/// A store written by SinkScope is read correctly by Python's `json` + `safetensors.numpy`,
/// the way docs/store.md shows. Skips only when scripts/setup-python.sh could not reach PyPI.
final class StorePythonTests: XCTestCase {
    func testPythonReadsTheStore() throws {
        try Python.require(["numpy", "safetensors.numpy"])
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 5, layers: [0, 2, 4], perShard: 2, dtype: .f16, received: [2, 4], attention: [4])
        let t = Synthetic.model.tokens
        try StoreReader(url: url).writeMasks(method: "norm", parameters: ["tau": "40"],
                                             masks: [4: (0..<(5 * t)).map { UInt8($0 % 4 == 0 ? 1 : 0) }])
        let script = temporaryDirectory().appendingPathComponent("check_store.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try Python.run([script.path, url.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("store ok: 5 images, 3 shards"), output)
    }

    /// Recomputes the synthetic values independently (the formula of `Synthetic.value`) and
    /// compares them with what safetensors.numpy reads.
    static let script = #"""
import json, os, sys
import numpy as np
from safetensors.numpy import load_file

store = sys.argv[1]
manifest = json.load(open(os.path.join(store, "manifest.json")))
assert manifest["format"] == "sinkscope-store" and manifest["version"] == 1
model = manifest["model"]
T = model["prefix_tokens"] + model["grid"][0] * model["grid"][1]
D, H, L = model["hidden_size"], model["heads"], model["layers"]
shards = [load_file(os.path.join(store, s["file"])) for s in manifest["shards"]]

def value(image, layer, index, salt=0):
    return ((image * 131 + layer * 17 + index * 7 + salt * 29) % 1024 - 512) / 8

n = len(manifest["images"])
ids = [im["id"] for im in manifest["images"]]
assert ids == [f"img{i}" for i in range(n)], ids
for l in manifest["captured_layers"]:
    hidden = np.concatenate([s[f"hidden.{l}"] for s in shards])          # [n, T, D] float16
    assert hidden.dtype == np.float16 and hidden.shape == (n, T, D), (hidden.dtype, hidden.shape)
    want = np.array([[value(i, l, k) for k in range(T * D)] for i in range(n)]).reshape(n, T, D)
    assert np.array_equal(hidden.astype(np.float64), want), f"hidden.{l} differs"
norm = np.concatenate([s["norm"] for s in shards])                       # [n, L+1, T] float32
assert norm.dtype == np.float32 and norm.shape == (n, L + 1, T)
for l in range(L + 1):
    if l in manifest["captured_layers"]:
        want = np.linalg.norm(np.array([[value(i, l, k) for k in range(T * D)] for i in range(n)]).reshape(n, T, D), axis=-1)
        assert np.allclose(norm[:, l], want, rtol=1e-6, atol=0), f"norm row {l} differs"
    else:
        assert np.isnan(norm[:, l]).all(), f"norm row {l} should be NaN"
for l in manifest["received_layers"]:
    received = np.concatenate([s[f"received.{l}"] for s in shards])      # [n, T] float32
    assert np.array_equal(received, np.array([[value(i, l, k, 1) for k in range(T)] for i in range(n)], dtype=np.float32))
attn = np.concatenate([s["attn.4"] for s in shards])                     # [n, H, T, T]
assert attn.shape == (n, H, T, T)
assert np.array_equal(attn.reshape(n, -1), np.array([[value(i, 4, k, 2) for k in range(H * T * T)] for i in range(n)], dtype=np.float32))
masks = manifest["masks"]["norm"]
sink = np.concatenate([load_file(os.path.join(store, f))["sink.norm.4"] for f in masks["files"]])  # [n, T] uint8
assert sink.dtype == np.uint8 and sink.shape == (n, T)
assert np.array_equal(sink.reshape(-1), (np.arange(n * T) % 4 == 0).astype(np.uint8))
assert masks["parameters"] == {"tau": "40"}
print(f"store ok: {n} images, {len(shards)} shards")
"""#
}
