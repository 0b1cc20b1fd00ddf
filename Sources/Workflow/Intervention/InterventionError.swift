import Foundation

/// Why `sinkscope intervene` refuses to run or stops; one sentence each, and nothing is written.
public enum InterventionError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case badSelector(String)
    case noSuchTokens(selector: String, architecture: String, what: String)
    case emptySelection(selector: String, image: String, layer: Int)
    case layerOutOfRange(layer: Int, layers: Int, architecture: String)
    case noAttentionAtLayer0
    case outputExists(String)
    case outlierLayerOutOfRange(layer: Int, layers: Int, architecture: String)
    case badNeuronFile(path: String, reason: String)
    case neuronFileForAnotherModel(path: String, file: String, model: String)
    case noNeuronsAtLayer(layer: Int, path: String, layers: [Int])
    case neuronsOptionMismatch(String)

    public var description: String {
        switch self {
        case .badSelector(let s):
            return "--tokens '\(s)' must be cls, registers, prefix, sinks:METHOD or tokens:3,17 (grid positions from 0)."
        case let .noSuchTokens(selector, architecture, what):
            return "--tokens \(selector) selects nothing: \(architecture) has \(what)."
        case let .emptySelection(selector, image, layer):
            return "--tokens \(selector) matches no token of image '\(image)' at layer \(layer); loosen the detector or choose other layers."
        case let .layerOutOfRange(layer, layers, architecture):
            return "--at layer \(layer) does not exist; \(architecture) has layers 0...\(layers)."
        case .noAttentionAtLayer0:
            return "--do knockout acts in a block's attention, and layer 0 (the embeddings) has none; use --at 1 or later."
        case let .outlierLayerOutOfRange(layer, layers, architecture):
            return "--outlier-layer \(layer) does not exist; \(architecture) has blocks' outputs 1...\(layers)."
        case let .badNeuronFile(path, reason):
            return "--neurons \(path) is not a neuron ranking written by 'sinkscope neurons --json': \(reason)."
        case let .neuronFileForAnotherModel(path, file, model):
            return "--neurons \(path) ranks the neurons of \(file), not of \(model); run 'sinkscope neurons --json' on this model first."
        case let .noNeuronsAtLayer(layer, path, layers):
            return "--at layer \(layer) has no neuron in \(path), which lists neurons at layers \(layers.map(String.init).joined(separator: ","))."
        case .neuronsOptionMismatch(let s):
            return s
        case .outputExists(let path):
            return "The output \(path) already exists; intervene writes a new store, so choose another --out or remove it."
        }
    }

    public var errorDescription: String? { description }
}
