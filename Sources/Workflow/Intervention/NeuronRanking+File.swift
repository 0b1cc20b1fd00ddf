import Foundation
import VisionModels

// Shape letters: L blocks, I MLP width; l a store layer (block l).

extension NeuronRanking {
    /// Reads the JSON `sinkscope neurons --json` writes.
    /// - Throws: `InterventionError.badNeuronFile` for an unreadable, malformed or empty file.
    public static func read(_ url: URL) throws -> NeuronRanking {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InterventionError.badNeuronFile(path: url.path, reason: "it cannot be read (\(error.localizedDescription))")
        }
        let ranking: NeuronRanking
        do { ranking = try JSONDecoder().decode(NeuronRanking.self, from: data) } catch {
            throw InterventionError.badNeuronFile(path: url.path, reason: "its JSON does not hold a ranking (model, architecture, neurons)")
        }
        guard !ranking.neurons.isEmpty else { throw InterventionError.badNeuronFile(path: url.path, reason: "it lists no neurons") }
        return ranking
    }

    /// store layer l → the listed neurons of block l, after checking the file was made for `spec`
    /// (named `model`): same name, architecture, L and I, every neuron inside 0..<I and every layer in 1...L.
    /// - Throws: `InterventionError.neuronFileForAnotherModel`.
    func neuronsByLayer(for spec: ArchitectureDescription, model: String?, path: String) throws -> [Int: [Int]] {
        let described = "'\(self.model)' (\(architecture)\(layers.map { ", \($0) blocks" } ?? "")\(intermediateSize.map { ", MLP width \($0)" } ?? ""))"
        let current = "'\(model ?? "this model")' (\(spec.architecture), \(spec.layers) blocks, MLP width \(spec.intermediateSize))"
        let sameModel = (model.map { $0 == self.model } ?? true) && architecture == spec.architecture
            && (layers ?? spec.layers) == spec.layers && (intermediateSize ?? spec.intermediateSize) == spec.intermediateSize
            && neurons.allSatisfy { (1...spec.layers).contains($0.layer) && (0..<spec.intermediateSize).contains($0.neuron) }
        guard sameModel else { throw InterventionError.neuronFileForAnotherModel(path: path, file: described, model: current) }
        var byLayer: [Int: [Int]] = [:]
        for n in neurons where !(byLayer[n.layer]?.contains(n.neuron) ?? false) { byLayer[n.layer, default: []].append(n.neuron) }
        return byLayer
    }
}
