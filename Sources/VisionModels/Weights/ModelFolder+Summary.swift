import ActivationStore
import Foundation
import Support

/// What `sinkscope inspect <model folder>` prints: the family, the tower's description, the checkpoint
/// files, and for an LVLM what reaches the language model. Read from config.json and the index only.
public struct ModelFolderSummary: Codable, Sendable {
    public var modelType: String
    public var architecture: String
    public var hiddenSize: Int, heads: Int, layers: Int, intermediateSize: Int, patchSize: Int, imageSize: Int
    public var cls: Int, registers: Int
    public var norm: String, activation: String, layerScale: Bool, qkNorm: Bool, finalNorm: Bool
    public var checkpointFiles: [String]
    public var lvlm: LVLMTowerInfo?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", architecture, hiddenSize = "hidden_size", heads, layers
        case intermediateSize = "intermediate_size", patchSize = "patch_size", imageSize = "image_size", cls, registers
        case norm, activation, layerScale = "layer_scale", qkNorm = "qk_norm", finalNorm = "final_norm"
        case checkpointFiles = "checkpoint_files", lvlm
    }

    public var text: String {
        var lines = [
            "model folder: \(modelType) (tower \(architecture))",
            "tower: D \(hiddenSize), H \(heads), L \(layers), MLP \(intermediateSize), patch \(patchSize), image \(imageSize)",
            "prefix tokens: \(cls) CLS, \(registers) registers; grid \(imageSize / patchSize)x\(imageSize / patchSize)",
            "block: \(norm), \(activation)\(layerScale ? ", layer scale" : "")\(qkNorm ? ", QK-norm" : "")\(finalNorm ? "; final norm" : "")",
            "checkpoint: \(checkpointFiles.joined(separator: ", "))",
        ]
        if let l = lvlm {
            lines.append("LLM sees: \(l.featureSource) = hidden.\(l.layer), select \(l.selectStrategy)\(l.tokenMerge.map { ", merge \($0)" } ?? ""), \(l.tokensPassed) tokens per image")
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String { String(decoding: try JSONCoding.encoder().encode(self), as: UTF8.self) }
}

extension ModelFolder {
    /// The folder's summary without reading any weights.
    /// - Throws: the errors of `readConfig()` / `readLVLM()`.
    public func summary() throws -> ModelFolderSummary {
        let source = configURL.path
        let spec = try readConfig().architecture(source: source)
        let registers = spec.embedding.prefix.registers
        let object = (try? JSONSerialization.jsonObject(with: Data(contentsOf: configURL))) as? [String: Any]
        let index = CheckpointIndex.url(in: url)
        let files: [String]
        if let parsed = try? CheckpointIndex(url: index) {
            files = [index.lastPathComponent] + parsed.shards
        } else {
            files = ["model.safetensors"]
        }
        let g = spec.trainedGrid
        let lvlm = try readLVLM()?.info(layers: spec.layers, prefix: spec.prefixTokens, grid: [g, g], path: source)
        return ModelFolderSummary(
            modelType: object?["model_type"] as? String ?? "?", architecture: spec.architecture,
            hiddenSize: spec.hiddenSize, heads: spec.heads, layers: spec.layers, intermediateSize: spec.intermediateSize,
            patchSize: spec.patchSize, imageSize: spec.imageSize, cls: spec.embedding.prefix.cls, registers: registers,
            norm: spec.block.norm.kind.rawValue, activation: spec.block.activation.rawValue, layerScale: spec.block.layerScale,
            qkNorm: spec.block.qkNorm != nil, finalNorm: spec.finalNorm != nil, checkpointFiles: files, lvlm: lvlm)
    }
}
