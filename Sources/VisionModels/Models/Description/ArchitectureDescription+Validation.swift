extension ArchitectureDescription {
    /// Rejects configs the forward cannot run (or that would ask for absurd allocations).
    func validate(source: String) throws {
        func bad(_ reason: String) -> ModelError { .badConfig(path: source, reason: reason) }
        guard (1...65_536).contains(hiddenSize) else { throw bad("hidden_size \(hiddenSize) must be in 1...65536") }
        guard (1...hiddenSize).contains(heads), hiddenSize % heads == 0 else {
            throw bad("num_attention_heads \(heads) must divide hidden_size \(hiddenSize)")
        }
        guard (1...1_000).contains(layers) else { throw bad("num_hidden_layers \(layers) must be in 1...1000") }
        guard (1...262_144).contains(intermediateSize) else { throw bad("the MLP width \(intermediateSize) must be in 1...262144") }
        guard (1...1_024).contains(patchSize) else { throw bad("patch_size \(patchSize) must be in 1...1024") }
        guard imageSize >= patchSize, imageSize <= 16_384 else {
            throw bad("image_size \(imageSize) must be between patch_size \(patchSize) and 16384")
        }
        guard (1...16).contains(channels) else { throw bad("num_channels \(channels) must be in 1...16") }
        for norm in [block.norm, embedding.preNorm, finalNorm, block.qkNorm].compactMap({ $0 }) {
            guard norm.eps > 0, norm.eps.isFinite else { throw bad("layer_norm_eps \(norm.eps) must be positive") }
        }
        guard (0...1).contains(embedding.prefix.cls) else { throw bad("\(embedding.prefix.cls) class tokens (0 or 1 expected)") }
        guard (0...256).contains(embedding.prefix.registers) else {
            throw bad("num_register_tokens \(embedding.prefix.registers) must be in 0...256")
        }
    }

    /// The first described feature the forward does not run yet, in words for `ModelError.notImplemented`;
    /// nil when the forward runs all of it.
    var unimplementedFeature: String? {
        return nil
    }
}

extension Activation {
    /// Maps HF's `hidden_act` string; only the exact forms SinkScope implements are accepted.
    init(hfName: String, source: String) throws {
        guard let a = Activation(rawValue: hfName) else {
            let names = Activation.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelError.badConfig(path: source, reason: "hidden_act '\(hfName)' is not supported (use \(names))")
        }
        self = a
    }
}
