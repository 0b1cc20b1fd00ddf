import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// The block description, the weight maps and the hook names: today's families map to the
/// descriptions they were written as, the generic bits (registers, RMSNorm, gated MLP, no CLS) run
/// through the one forward and agree with a naive forward, and unimplemented cases are refused.
final class ArchitectureDescriptionTests: XCTestCase {
    /// A DINOv2-with-registers-like block with RMSNorm and a SwiGLU MLP: every generic bit at once.
    private let registersGated = ArchitectureDescription(
        architecture: "SyntheticRegisters", hiddenSize: 8, heads: 2, layers: 2, intermediateSize: 12, patchSize: 4,
        imageSize: 8, channels: 3,
        embedding: EmbeddingDescription(patch: .conv2d(bias: true), prefix: PrefixTokens(cls: 1, registers: 2), positions: .absolute),
        block: BlockDescription(
            norm: Norm(.rmsNorm, eps: 1e-6), activation: .silu, mlp: .gated, layerScale: true,
            biases: BlockBiases(qkv: false, attentionOutput: true, mlp: false)),
        finalNorm: Norm(.rmsNorm, eps: 1e-6))

    /// A SigLIP-like block: no CLS, tanh GELU, LayerNorm, a final norm over the tokens, a pre-norm.
    private let noCLS = ArchitectureDescription(
        architecture: "SyntheticNoCLS", hiddenSize: 12, heads: 3, layers: 2, intermediateSize: 20, patchSize: 4,
        imageSize: 12, channels: 3,
        embedding: EmbeddingDescription(
            patch: .conv2d(bias: false), prefix: .none, positions: .absolute, preNorm: Norm(.layerNorm, eps: 1e-5)),
        block: BlockDescription(norm: Norm(.layerNorm, eps: 1e-6), activation: .geluTanh),
        finalNorm: Norm(.layerNorm, eps: 1e-6))

    func testGenericBitsAgreeWithANaiveForward() throws {
        for (index, spec) in [registersGated, noCLS].enumerated() {
            let weights = SyntheticFamily.weights(spec, seed: UInt64(index + 1))
            let model = try VisionTransformer(description: spec, weights: weights, map: SyntheticFamily.structuralMap)
            let size = spec.imageSize, n = 2, t = model.tokens(height: size, width: size)
            var rng = TestRandom(seed: 99)
            let pixels = (0..<(n * 3 * size * size)).map { _ in Float(rng.normal()) }
            for threads in [1, 2] {
                let out = try model.forward(
                    pixels: pixels, images: n, height: size, width: size,
                    capture: CaptureRequest(hiddenLayers: Set(0...spec.layers), received: true, finalLayerNorm: true), threads: threads)
                for image in 0..<n {
                    let per = 3 * size * size
                    let reference = SyntheticFamily.naiveForward(
                        spec, weights, pixels: Array(pixels[(image * per)..<((image + 1) * per)]), size: size)
                    for l in 0...spec.layers {
                        XCTAssertLessThan(maxRelativeError(out[image].hidden[l]!, reference.hidden[l]), 1e-4, "\(spec.architecture) hidden.\(l)")
                    }
                    for l in 1...spec.layers {
                        XCTAssertLessThan(maxRelativeError(out[image].received[l]!, reference.received[l - 1]), 1e-4, "received.\(l)")
                    }
                    XCTAssertLessThan(maxRelativeError(out[image].lastHiddenState!, reference.last!), 1e-4, "final norm")
                    XCTAssertEqual(out[image].norms.count, (spec.layers + 1) * t)
                }
            }
        }
    }

    func testRegistersCarryNoPositionAndSitBetweenCLSAndPatches() throws {
        let weights = SyntheticFamily.weights(registersGated, seed: 3)
        let model = try VisionTransformer(description: registersGated, weights: weights, map: SyntheticFamily.structuralMap)
        XCTAssertEqual(model.spec.prefixTokens, 3)
        let out = try model.forward(pixels: [Float](repeating: 0.25, count: 3 * 64), images: 1, height: 8, width: 8,
                                    capture: CaptureRequest(hiddenLayers: [0]))
        let d = 8, hidden0 = out[0].hidden[0]!
        XCTAssertEqual(Array(hidden0[d..<(3 * d)]), weights.entries["embed.registers"]!.values)
    }

    func testEveryDescribedFeatureRuns() throws {
        // Since issues 14 and 15 the forward runs every case the description has (QK-norm, rotary-2D,
        // windowed attention, Conv3d), so nothing is refused as unimplemented; the families' own tests
        // (TowerFamiliesTests, RotaryTowersTests) compare each against transformers.
        var variants: [ArchitectureDescription] = [registersGated]
        var s = registersGated
        s.block.qkNorm = Norm(.rmsNorm, eps: 1e-6)
        variants.append(s)
        s = registersGated
        s.block.attention = .windowed(window: 2, fullAttentionBlocks: [1])
        variants.append(s)
        for spec in variants { XCTAssertNil(spec.unimplementedFeature) }
    }

    func testTodaysFamiliesAreTheDescriptionsTheyWereWrittenAs() throws {
        let vit = try ModelFolder(url: Fixtures.url("models/tiny-vit")).load().spec
        XCTAssertEqual(vit.embedding, EmbeddingDescription(patch: .conv2d(bias: true), prefix: .cls, positions: .absolute))
        XCTAssertEqual(vit.block.norm.kind, .layerNorm)
        XCTAssertEqual(vit.block.mlp, .plain)
        XCTAssertFalse(vit.block.layerScale)
        XCTAssertEqual(vit.finalNorm?.kind, .layerNorm)

        let clip = try ModelFolder(url: Fixtures.url("models/tiny-clip")).load().spec
        XCTAssertEqual(clip.embedding.patch, .conv2d(bias: false))
        XCTAssertEqual(clip.embedding.preNorm?.kind, .layerNorm)
        XCTAssertEqual(clip.block.activation, .quickGELU)
        XCTAssertNil(clip.finalNorm)

        let dino = try Dinov2Config(hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, imageSize: 28, patchSize: 14, layerNormEps: 1e-6)
            .description(source: "config.json")
        XCTAssertEqual(dino.embedding.positions, .interpolated)
        XCTAssertTrue(dino.block.layerScale)
        XCTAssertEqual(dino.intermediateSize, 32)
        XCTAssertEqual(dino.prefixTokens, 1)
    }

    func testWeightMapsNameHFTensors() {
        let dinov2 = WeightMap.dinov2(root: "dinov2.")
        XCTAssertEqual(dinov2.tensor(.block(3, .layerScale1, .weight)), CheckpointTensor("dinov2.encoder.layer.3.layer_scale1.lambda1"))
        XCTAssertEqual(dinov2.tensor(.block(0, .key, .bias)), CheckpointTensor("dinov2.encoder.layer.0.attention.attention.key.bias"))
        XCTAssertEqual(dinov2.tensor(.embed(.cls)), CheckpointTensor("dinov2.embeddings.cls_token", leadingOnes: 2))
        XCTAssertNil(dinov2.tensor(.block(0, .gate, .weight)))
        XCTAssertEqual(WeightMap.vit(root: "").tensor(.block(1, .fc2, .weight)), CheckpointTensor("encoder.layer.1.output.dense.weight"))
        XCTAssertEqual(WeightMap.clipVision(root: "vision_model.").tensor(.embed(.preNorm(.bias))),
                       CheckpointTensor("vision_model.pre_layrnorm.bias"))
        XCTAssertNil(WeightMap.clipVision(root: "").tensor(.finalNorm(.weight)))
        XCTAssertEqual("\(ParameterName.block(3, .query, .weight))", "blocks.3.attn.q.weight")
        XCTAssertEqual("\(ParameterName.embed(.patch(.bias)))", "embed.patch.bias")
    }

    func testHookPointsAreNamedAfterTheStructureAndMapToStoreLayers() {
        XCTAssertEqual("\(HookPoint.attnPattern(block: 3))", "blocks.3.attn.pattern")
        XCTAssertEqual("\(HookPoint.mlpPost(block: 3))", "blocks.3.mlp.post")
        XCTAssertEqual("\(HookPoint.residPost(block: 3))", "blocks.3.resid_post")
        XCTAssertEqual(HookPoint.hidden(layer: 0), .embed)
        XCTAssertEqual(HookPoint.hidden(layer: 4), .residPost(block: 3))
        let points = CaptureRequest(hiddenLayers: [0, 2, 9], received: true, attentionLayers: [1], finalLayerNorm: true)
            .hookPoints(blocks: 2)
        XCTAssertEqual(points, [.embed, .residPost(block: 1), .attnReceived(block: 0), .attnReceived(block: 1),
                                .attnPattern(block: 0), .finalNorm])
    }
}
