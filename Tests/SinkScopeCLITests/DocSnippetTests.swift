import ActivationStore
import Foundation
import TensorFiles
import TestSupport
import XCTest

/// Every PyTorch snippet of docs/, Notebooks-md/ and README.md runs against real transformers
/// (CPU, tiny random models, offline), taken from the markdown itself so docs and test cannot
/// drift; the dumps they write are imported with the `sinkscope` binary and the store is checked
/// against the model's own outputs. The per-snippet set-up and checks are in Tests/Snippets/harness.py.
final class DocSnippetTests: XCTestCase {
    struct Snippet {
        /// "<file> › <section heading>" (" #k" for the k-th in a section).
        let id: String
        let text: String
    }

    static let harness = Fixtures.repositoryRoot.appendingPathComponent("Tests/Snippets/harness.py")
    static let modules = ["numpy", "torch", "transformers", "safetensors", "PIL", "tokenizers"]

    /// The ```python blocks that use torch or transformers, with the heading they sit under.
    static func snippets() throws -> [Snippet] {
        let root = Fixtures.repositoryRoot
        var files = ["README.md"]
        for dir in ["docs", "Notebooks-md"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)
            files += names.filter { $0.hasSuffix(".md") }.sorted().map { "\(dir)/\($0)" }
        }
        var out: [Snippet] = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            var heading = "", fence: String?, block: [Substring] = [], seen: [String: Int] = [:]
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if let language = fence {
                    guard line.hasPrefix("```") else { block.append(line); continue }
                    let code = block.joined(separator: "\n")
                    if language == "python", code.range(of: #"\bimport torch\b|\btorch\.|\btransformers\b"#, options: .regularExpression) != nil {
                        var id = "\(file) › \(heading)"
                        seen[id, default: 0] += 1
                        if seen[id]! > 1 { id += " #\(seen[id]!)" }
                        out.append(Snippet(id: id, text: code))
                    }
                    fence = nil
                } else if line.hasPrefix("```") {
                    fence = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                    block = []
                } else if line.hasPrefix("#") {
                    heading = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return out
    }

    func testEverySnippetHasAScenario() throws {
        try Python.require(Self.modules)
        let (status, output) = try Python.run([Self.harness.path, "list", "-", "-", "-"])
        XCTAssertEqual(status, 0, output)
        let scenarios = Set(try JSONDecoder().decode([String].self, from: Data(output.split(separator: "\n").last!.utf8)))
        let ids = Set(try Self.snippets().map(\.id))
        XCTAssertEqual(ids.subtracting(scenarios).sorted(), [], "snippets without a scenario in Tests/Snippets/harness.py")
        XCTAssertEqual(scenarios.subtracting(ids).sorted(), [], "scenarios whose snippet is gone from the docs")
    }

    func testTheSnippetsRunAndTheirDumpsImport() throws {
        try Python.require(Self.modules)
        let all = try Self.snippets()
        XCTAssertGreaterThanOrEqual(all.count, 6)
        // The LVLM snippets share a directory: the order snippet reads the store the dump snippet made.
        let lvlmDirectory = temporaryDirectory("snippets-lvlm")
        let ordered = all.sorted { ($0.id.contains("token orders") ? 1 : 0) < ($1.id.contains("token orders") ? 1 : 0) }
        for snippet in ordered {
            let dir = snippet.id.hasPrefix("docs/lvlm.md") ? lvlmDirectory : temporaryDirectory("snippet")
            if snippet.id.contains("token orders") {
                let order = try CLI.run(["pathway", "export-order", "--store", dir.appendingPathComponent("runs/llava").path,
                                         "--method", "topk", "--k", "1", "--out", dir.appendingPathComponent("runs/llava-order.safetensors").path])
                XCTAssertEqual(order.status, 0, order.stderr)
            }
            let file = dir.appendingPathComponent("snippet.py")
            try snippet.text.write(to: file, atomically: true, encoding: .utf8)
            let (status, output) = try Python.run([Self.harness.path, "run", snippet.id, file.path, dir.path])
            guard status == 0, let last = output.split(separator: "\n").last, let report = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
                XCTFail("\(snippet.id) failed:\n\(output.suffix(3000))")
                continue
            }
            for dump in report["dumps"] as? [[String: Any]] ?? [] {
                try checkImport(dump, in: dir, snippet: snippet.id)
            }
            for dump in report["lvlm_dumps"] as? [[String: Any]] ?? [] {
                try checkLVLMImport(dump, in: dir, snippet: snippet.id)
            }
        }
    }

    /// `sinkscope import` of a dump; every layer's hidden states equal the model's (f32 store).
    private func checkImport(_ dump: [String: Any], in dir: URL, snippet: String) throws {
        let file = dir.appendingPathComponent(dump["file"] as! String)
        let store = dir.appendingPathComponent("store-\(file.lastPathComponent)")
        let result = try CLI.run(["import", file.path, "--out", store.path, "--dtype", "f32"])
        XCTAssertEqual(result.status, 0, "\(snippet): \(result.stderr)")
        guard result.status == 0 else { return }
        let reader = try StoreReader(url: store)
        XCTAssertEqual(reader.images.map(\.id), dump["ids"] as? [String], snippet)
        let expected = try NPYReader.read(url: dir.appendingPathComponent(dump["expect"] as! String))  // [L+1, n, T, D]
        let perLayer = expected.shape.dropFirst().reduce(1, *)
        let values = try expected.floats()
        for l in reader.layers {
            assertClose(try reader.hidden(layer: l), Array(values[(l * perLayer)..<((l + 1) * perLayer)]),
                        absolute: 2e-3, relative: 2e-3, "\(snippet): hidden.\(l) of \(file.lastPathComponent)")
        }
    }

    /// `sinkscope import --lvlm`; the store's ViT layer and LLM hidden states equal the dump's.
    private func checkLVLMImport(_ dump: [String: Any], in dir: URL, snippet: String) throws {
        let file = dir.appendingPathComponent(dump["file"] as! String)
        let store = dir.appendingPathComponent(dump["store"] as! String)
        let result = try CLI.run(["import", "--lvlm", file.path, "--out", store.path, "--dtype", "f32"])
        XCTAssertEqual(result.status, 0, "\(snippet): \(result.stderr)")
        guard result.status == 0 else { return }
        let reader = try StoreReader(url: store)
        let info = try reader.lvlmInfo()
        let archive = try NPZArchive(url: file)
        XCTAssertEqual(info.visionLayer, 2, snippet)  // hidden_states[-2] of a 3-block tower
        assertClose(try reader.hidden(layer: info.visionLayer), try archive.view("vit_hidden").floats(), absolute: 1e-3, relative: 1e-3, snippet)
        let visual = try archive.view("llm_hidden_visual").floats()  // [Lm+1, n, P, Dm]
        let per = visual.count / (info.llmLayers + 1)
        for l in [0, info.llmLayers] {
            assertClose(try reader.llmHidden(layer: l), Array(visual[(l * per)..<((l + 1) * per)]), absolute: 1e-3, relative: 1e-3, "\(snippet): llm.hidden.\(l)")
        }
    }
}
