import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

final class ImportCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    func testExampleDumpRoundTrips() throws {
        let out = temporaryDirectory().appendingPathComponent("store")
        let text = try CLI.output(["import", CLI.exampleDump, "--out", out.path, "--labels", CLI.exampleLabels, "--dtype", "f32", "--keep-attention", "--shard-size", "3"])
        XCTAssertTrue(text.contains("imported 4 images into \(out.path)"), text)
        XCTAssertTrue(text.contains("received attention at layers 1,2,3"), text)

        let npz = try NPZArchive(url: URL(fileURLWithPath: CLI.exampleDump))
        let hidden = try npz.tensor("hidden_states").floats()  // [4, 4, 17, 32]
        let attn = try npz.tensor("attentions").floats()       // [3, 4, 2, 17, 17]
        let (n, t, d, h) = (4, 17, 32, 2)
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.model.tokens, t)
        XCTAssertEqual(store.model.grid, [4, 4])
        XCTAssertEqual(store.manifest.notes, [Importer.attentionNote])
        XCTAssertEqual(store.images.map(\.id), ["red_square", "blue_circle", "red_circle", "blue_square"])
        XCTAssertEqual(store.images[3].labels, ["color": "blue", "shape": "square"])
        for l in 0...3 {
            XCTAssertEqual(try store.hidden(layer: l), Array(hidden[(l * n * t * d)..<((l + 1) * n * t * d)]), "hidden.\(l)")
        }
        // HF attentions[b] is block b+1: stored as attn.{b+1}, and received.{b+1}[j] = mean_h sum_q A[h, q, j].
        for b in 0..<3 {
            let block = Array(attn[(b * n * h * t * t)..<((b + 1) * n * h * t * t)])
            XCTAssertEqual(try store.attention(layer: b + 1), block)
            var expected = [Float](repeating: 0, count: n * t)
            for i in 0..<n { for head in 0..<h { for q in 0..<t { for j in 0..<t {
                expected[i * t + j] += block[((i * h + head) * t + q) * t + j] / Float(h)
            } } } }
            assertClose(try store.received(layer: b + 1), expected, absolute: 1e-5, relative: 1e-5)
        }
        XCTAssertThrowsError(try store.received(layer: 0)) { XCTAssertTrue("\($0)".contains("received attention for layer 0 is not in the store (available layers: 1, 2, 3)"), "\($0)") }
        // The example's sink patches (5, 10, 6, 9) draw the most attention from block 2 on.
        let received2 = try store.received(layer: 2)
        for (i, patch) in [5, 10, 6, 9].enumerated() {
            let row = Array(received2[(i * t)..<((i + 1) * t)])
            XCTAssertEqual(row.firstIndex(of: row.max()!), 1 + patch)
        }
    }

    func testHalfPrecisionIsTheDefault() throws {
        let out = temporaryDirectory().appendingPathComponent("store")
        _ = try CLI.output(["import", CLI.exampleDump, "--out", out.path])
        let hidden = try NPZArchive(url: URL(fileURLWithPath: CLI.exampleDump)).tensor("hidden_states").floats()
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.manifest.hiddenDType, .f16)
        XCTAssertEqual(try store.hidden(layer: 2), hidden[(2 * 4 * 17 * 32)..<(3 * 4 * 17 * 32)].map { Float(Float16($0)) })
        XCTAssertFalse(store.manifest.hasAttention)
    }

    func testPerLayerSafetensorsWithRegistersAndMetadataIDs() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("dump.safetensors")
        let (n, t, d) = (3, 20, 4)  // T = 4 prefix (CLS + 3 registers) + 4x4 patches: not 1 + a square
        try SafetensorsWriter.write(
            [("hidden_states.0", Tensor(floats: DumpFiles.values(n * t * d, salt: 0), shape: [n, t, d], dtype: .bf16)),
             ("hidden_states.2", Tensor(floats: DumpFiles.values(n * t * d, salt: 2), shape: [n, t, d], dtype: .f64))],
            metadata: ["image_ids": #"["a", "b", "c"]"#], to: file)
        let out = dir.appendingPathComponent("store")
        XCTAssertThrowsError(try CLI.output(["import", file.path, "--out", out.path])) {
            XCTAssertTrue(CLI.message($0).contains("20 tokens is not 1 + a square, so the layout cannot be inferred; give --prefix-tokens N"), CLI.message($0))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
        _ = try CLI.output(["import", file.path, "--out", out.path, "--prefix-tokens", "4", "--dtype", "f32"])
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.model.prefixTokens, 4)
        XCTAssertEqual(store.model.grid, [4, 4])
        XCTAssertEqual(store.model.layers, 2)
        XCTAssertEqual(store.layers, [0, 2])
        XCTAssertEqual(store.images.map(\.id), ["a", "b", "c"])
        XCTAssertEqual(try store.hidden(layer: 2, images: [1]), Array(DumpFiles.values(n * t * d, salt: 2)[(t * d)..<(2 * t * d)]))
        XCTAssertEqual(try store.hidden(layer: 0), Tensor(floats: DumpFiles.values(n * t * d, salt: 0), shape: [n * t * d], dtype: .bf16).floats())

        let other = dir.appendingPathComponent("grid")
        _ = try CLI.output(["import", file.path, "--out", other.path, "--grid", "2x8"])
        XCTAssertEqual(try StoreReader(url: other).model.prefixTokens, 4)
        XCTAssertThrowsError(try CLI.output(["import", file.path, "--out", dir.appendingPathComponent("x").path, "--grid", "5x5"])) {
            XCTAssertTrue(CLI.message($0).contains("20 tokens do not split into some prefix tokens and a 5x5 grid"), CLI.message($0))
        }
    }

    func testStackedNPYFilesConcatenateWithDefaultIDs() throws {
        let dir = temporaryDirectory()
        let (layers, n, t, d) = (3, 2, 5, 3)  // T = 1 + 2x2
        let a = dir.appendingPathComponent("a.npy"), b = dir.appendingPathComponent("b.npy")
        try DumpFiles.writeNPY(DumpFiles.values(layers * n * t * d, salt: 1), shape: [layers, n, t, d], to: a)
        try DumpFiles.writeNPY(DumpFiles.values(layers * n * t * d, salt: 2), shape: [layers, n, t, d], to: b)
        let out = dir.appendingPathComponent("store")
        let labels = dir.appendingPathComponent("labels.csv")
        try "image,caption,count\n3,\"a, b and \"\"c\"\"\",7\n0,plain,1\n".write(to: labels, atomically: true, encoding: .utf8)
        _ = try CLI.output(["import", a.path, b.path, "--out", out.path, "--labels", labels.path, "--dtype", "f32"])
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.images.map(\.id), ["0", "1", "2", "3"])
        XCTAssertEqual(store.images[3].labels, ["caption": "a, b and \"c\"", "count": "7"])
        XCTAssertEqual(store.images[1].labels, [:])
        XCTAssertEqual(store.model.layers, 2)
        let second = DumpFiles.values(layers * n * t * d, salt: 2)
        XCTAssertEqual(try store.hidden(layer: 1, images: [2, 3]), Array(second[(1 * n * t * d)..<(2 * n * t * d)]))
    }

    func testBadLabelsAndInputsGiveClearErrors() throws {
        let dir = temporaryDirectory()
        func attempt(_ args: [String], _ phrase: String, line: UInt = #line) {
            XCTAssertThrowsError(try CLI.output(["import"] + args), line: line) {
                XCTAssertTrue(CLI.message($0).contains(phrase), "'\(CLI.message($0))' lacks '\(phrase)'", line: line)
            }
        }
        let out = dir.appendingPathComponent("store").path
        let unknown = dir.appendingPathComponent("unknown.csv"), noImage = dir.appendingPathComponent("noimage.csv"), ragged = dir.appendingPathComponent("ragged.csv")
        try "image,color\nred_square,red\nghost,none\n".write(to: unknown, atomically: true, encoding: .utf8)
        try "file,color\nred_square,red\n".write(to: noImage, atomically: true, encoding: .utf8)
        try "image,color\nred_square,red,extra\n".write(to: ragged, atomically: true, encoding: .utf8)
        attempt([CLI.exampleDump, "--out", out, "--labels", unknown.path], "1 row(s) name images that are not in the input: 'ghost'")
        attempt([CLI.exampleDump, "--out", out, "--labels", noImage.path], "the header has no 'image' column (it has: file, color)")
        attempt([CLI.exampleDump, "--out", out, "--labels", ragged.path], "line 2 has 3 fields but the header has 2")
        attempt([dir.appendingPathComponent("missing.npz").path, "--out", out], "missing.npz: cannot read the file")
        attempt([Fixtures.url("tensorfiles/stored.npz").path, "--out", out], "there is no 'hidden_states' array")
        attempt([CLI.exampleDump, CLI.exampleDump, "--out", out], "Image id 'red_square' occurs twice")
        attempt([CLI.exampleDump, "--out", out, "--dtype", "f8"], "--dtype must be f16 or f32")
        attempt([CLI.exampleDump, "--out", out, "--grid", "4by4"], "--grid must look like 16x16")

        // HF gives one attention map per block: as many maps as hidden states is a layout error.
        let file = dir.appendingPathComponent("attn.safetensors")
        try SafetensorsWriter.write(
            [("hidden_states", Tensor(floats: DumpFiles.values(2 * 1 * 5 * 2, salt: 0), shape: [2, 1, 5, 2])),
             ("attentions", Tensor(floats: DumpFiles.values(2 * 1 * 1 * 5 * 5, salt: 0), shape: [2, 1, 1, 5, 5]))], to: file)
        attempt([file.path, "--out", out], "'attentions' has 2 layers but 'hidden_states' has 2; expected one attention map per block")
        attempt([Fixtures.url("tensorfiles/v1_f4.npy").path, "--out", out], "has shape [3, 4]; expected [layers, images, tokens, dim]")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/manifest.json"))
    }

    func testResumeSkipsImagesAlreadyStored() throws {
        let out = temporaryDirectory().appendingPathComponent("store").path
        _ = try CLI.output(["import", CLI.exampleDump, "--out", out])
        XCTAssertThrowsError(try CLI.output(["import", CLI.exampleDump, "--out", out])) { XCTAssertTrue(CLI.message($0).contains("a store already exists here"), CLI.message($0)) }
        let text = try CLI.output(["import", CLI.exampleDump, "--out", out, "--resume"])
        XCTAssertTrue(text.contains("imported 0 images (4 already in the store)"), text)
        XCTAssertEqual(try StoreReader(url: URL(fileURLWithPath: out)).images.count, 4)
    }

    func testOverwriteReplacesOnlyWhenTheNewStoreIsComplete() throws {
        let dir = temporaryDirectory()
        let out = dir.appendingPathComponent("store")
        _ = try CLI.output(["import", CLI.exampleDump, "--out", out.path])
        let manifest = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        // A dump whose third image overflows f16: the import fails after writing two shards.
        let (n, t, d) = (4, 17, 32)
        var values = DumpFiles.values(n * t * d, salt: 9)
        values[2 * t * d + 5] = 1e6
        let bad = dir.appendingPathComponent("bad.safetensors")
        try SafetensorsWriter.write([("hidden_states.0", Tensor(floats: values, shape: [n, t, d]))], to: bad)
        XCTAssertThrowsError(try CLI.output(["import", bad.path, "--out", out.path, "--overwrite", "--shard-size", "1"])) {
            XCTAssertTrue(CLI.message($0).contains("Activations of image '2' are not valid: hidden.0 holds 1000000.0, beyond the f16 range"), CLI.message($0))
        }
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("manifest.json")), manifest)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["bad.safetensors", "store"])

        _ = try CLI.output(["import", bad.path, "--out", out.path, "--overwrite", "--dtype", "f32"])
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.images.map(\.id), ["0", "1", "2", "3"])
        XCTAssertEqual(try store.hidden(layer: 0), values)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["bad.safetensors", "store"])
        XCTAssertThrowsError(try CLI.output(["import", bad.path, "--out", out.path, "--overwrite", "--resume"]))
    }
}
