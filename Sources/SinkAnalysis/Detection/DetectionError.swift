import ActivationStore
import Foundation

/// Everything that can go wrong while detecting sinks or relating sink masks.
///
/// Each case carries the bad value and what was expected; `description` is one sentence that names
/// the store (or array source) and says what to change.
public enum DetectionError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// A detector parameter outside its range, e.g. `k=0.5` for the relative norm.
    case invalidParameter(method: String, name: String, value: String, expected: String)
    /// An input array whose length does not match the declared shape.
    case shapeMismatch(source: String, what: String, expected: Int, actual: Int)
    /// A NaN or infinity in an input array at a known image and token.
    case nonFinite(source: String, layer: Int, what: String, image: Int, token: Int)
    /// A method that needs received attention on a store extracted without `--attention`.
    case missingReceived(source: String, layer: Int, method: String)
    /// A store imported from a dump that held no attention (`lvlm`: an LVLM dump, whose ViT side
    /// never has any), so re-running `extract` is not the remedy.
    case importedWithoutReceived(source: String, method: String, lvlm: Bool)
    /// A method that needs hidden states on an input that carries only norms.
    case missingHidden(source: String, layer: Int, method: String)
    /// Top-k on an image whose candidate tokens all have the same norm.
    case constantNorms(source: String, layer: Int, image: Int)
    /// Received attention whose per-image total is not T (it is not a head-mean column sum).
    case receivedNotColumnSums(source: String, layer: Int, image: Int, total: Double, expected: Double)
    /// A sink-dimension threshold that |x_d| / RMS(x) can never exceed (the score is at most √D).
    case unreachableScore(method: String, tau: Double, bound: Double, hiddenSize: Int)
    /// No patch tokens (T equals the number of prefix tokens).
    case noPatchTokens(source: String, tokens: Int, prefixTokens: Int)
    /// A layer that the store did not capture.
    case unknownLayer(source: String, layer: Int, available: [Int])
    /// A method name that is not one of the detection methods.
    case unknownMethod(name: String, known: [String])
    /// A store without the mask of a method that a relation needs.
    case missingMask(source: String, method: String, layer: Int?, available: [String])
    /// Two masks (or a mask and its activations) of different shapes.
    case maskShapeMismatch(what: String, expected: [Int], actual: [Int])
    /// A relation that needs at least two layers got fewer.
    case tooFewLayers(what: String, count: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(method, name, value, expected):
            return "Detection method '\(method)': \(name)=\(value) is invalid; it must be \(expected)."
        case let .shapeMismatch(source, what, expected, actual):
            return "\(source): \(what) has \(actual) values but the shape needs \(expected)."
        case let .nonFinite(source, layer, what, image, token):
            return "\(source): layer \(layer) has a NaN or infinite \(what) at image \(image), token \(token); "
                + "re-extract that image (or drop it) before detecting sinks."
        case let .missingReceived(source, layer, method):
            return "\(source) has no received attention for layer \(layer), which method '\(method)' needs; "
                + "re-run extract with --attention."
        case let .importedWithoutReceived(source, method, lvlm):
            if lvlm {
                return "\(source) was imported from an LVLM dump, which holds no attention of the vision tower, so method '\(method)' "
                    + "cannot run on it; use --method norm, relative, topk or massive here (the LLM's attention to the visual tokens "
                    + "is read by `sinkscope pathway`), or extract the tower itself with --attention."
            }
            return "\(source) was imported from a dump without attentions, so it has no received attention, which method '\(method)' "
                + "needs; re-import a dump that holds them (an 'attentions' array, from output_attentions=True) or use --method "
                + "norm, relative, topk or massive."
        case let .missingHidden(source, layer, method):
            return "\(source) has no hidden states for layer \(layer), which method '\(method)' needs."
        case let .constantNorms(source, layer, image):
            return "\(source): every candidate token of image \(image) at layer \(layer) has the same norm, "
                + "so a top-k ranking would be arbitrary; use a threshold method instead."
        case let .receivedNotColumnSums(source, layer, image, total, expected):
            return "\(source): received attention of image \(image) at layer \(layer) sums to "
                + String(format: "%.4g", total) + " instead of T=\(Int(expected)), so it is not a head-mean "
                + "column sum of attention probabilities and the uniform share is unknown."
        case let .unreachableScore(method, tau, bound, hiddenSize):
            return "Detection method '\(method)': tau=\(tau) can never be exceeded because |x_d| / RMS(x) "
                + "is at most √D = " + String(format: "%.3g", bound) + " for D=\(hiddenSize); choose tau below that."
        case let .noPatchTokens(source, tokens, prefixTokens):
            return "\(source) has T=\(tokens) tokens of which \(prefixTokens) are prefix tokens, so there are no patch tokens."
        case let .unknownLayer(source, layer, available):
            return "\(source) did not capture layer \(layer); captured layers are \(available)."
        case let .unknownMethod(name, known):
            return "Unknown detection method '\(name)'; choose one of \(known.joined(separator: ", "))."
        case let .missingMask(source, method, layer, available):
            return "\(source) has no sink mask '\(method)'" + (layer.map { " for layer \($0)" } ?? "") + " (masks: \(available)); "
                + "run `sinkscope detect --method \(method)` first."
        case let .maskShapeMismatch(what, expected, actual):
            return "\(what): expected shape \(expected) but got \(actual)."
        case let .tooFewLayers(what, count):
            return "\(what) needs at least two layers but got \(count)."
        }
    }

    public var errorDescription: String? { description }
}

extension DetectionError {
    /// The error for a store with no received attention at all: its remedy depends on how the
    /// store was made (extract → `--attention`; an import → a dump with attentions; an LVLM dump
    /// never has the tower's attention).
    static func noReceived(in store: StoreReader, layer: Int, method: String) -> DetectionError {
        guard store.model.architecture == "imported" else {
            return .missingReceived(source: store.url.path, layer: layer, method: method)
        }
        return .importedWithoutReceived(source: store.url.path, method: method, lvlm: store.manifest.lvlm != nil)
    }

    /// What to do about a store without received attention, as a clause for other messages.
    static func receivedRemedy(for store: StoreReader) -> String {
        guard store.model.architecture == "imported" else { return "re-run extract with --attention" }
        return store.manifest.lvlm != nil
            ? "an LVLM dump holds no attention of the vision tower, so use method norm, relative, topk or massive"
            : "re-import a dump that holds attentions (output_attentions=True) or use method norm, relative, topk or massive"
    }
}
