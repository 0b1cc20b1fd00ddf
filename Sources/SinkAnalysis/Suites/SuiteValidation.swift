import ActivationStore
import Foundation

/// A suite checked against one store: the layers it will probe and the combinations it will run.
/// Everything that can be known before reading activations is checked here, so a suite fails in
/// a second with a message naming the field, not after an hour of probing.
public struct ResolvedSuite: Sendable {
    public let document: SuiteDocument
    /// Captured layers to probe, ascending.
    public let layers: [Int]
    /// Label columns whose values are all numbers.
    public let numericLabels: Set<String>
    public let plan: SuitePlan

    /// - Throws: `SuiteError` — `.layerOutOfRange` for a layer the store did not capture,
    ///   `.unknownLabel` for a label column it lacks (listing the columns it has), `.invalidField`
    ///   for `cls` on a model without a CLS token, attention sinks on a store without received
    ///   attention, `random` k not below the patch count, or more folds than images.
    public init(_ document: SuiteDocument, store: StoreReader) throws {
        let suite = document.suite
        self.document = document
        switch suite.layers {
        case .all:
            layers = store.layers
        case .list(let list):
            for (i, l) in list.enumerated() where !store.layers.contains(l) {
                throw SuiteError.layerOutOfRange(file: document.source, path: "layers[\(i)]", line: document.line(["layers"]),
                                                 layer: l, available: store.layers)
            }
            layers = Array(Set(list)).sorted()
        }
        let columns = Set(store.images.flatMap(\.labels.keys))
        for t in suite.targets {
            guard case .label(let column) = t.value.kind, !columns.contains(column) else { continue }
            let path = ["targets", t.name] + (document.contains(["targets", t.name, "column"]) ? ["column"] : [])
            throw SuiteError.unknownLabel(file: document.source, path: path.joined(separator: "."), line: document.line(path),
                                          column: column, available: columns.sorted())
        }
        numericLabels = Set(columns.filter { c in store.images.allSatisfy { $0.labels[c].map { Double($0)?.isFinite ?? false } ?? true } })
        try Self.checkGroups(document, store: store)
        guard store.images.count >= suite.folds else {
            throw document.invalid(["folds"], "\(suite.folds)-fold cross-validation needs at least \(suite.folds) images but the store has \(store.images.count)")
        }
        plan = try SuitePlan(document, numericLabels: numericLabels)
    }

    static func checkGroups(_ document: SuiteDocument, store: StoreReader) throws {
        let model = store.model
        let patches = model.tokens - model.prefixTokens
        for g in document.suite.groups {
            let path = ["groups", g.name]
            switch g.value.kind {
            case .cls where model.prefixTokens < 1:
                throw document.invalid(path + ["kind"], "model \(model.name) has no CLS token (no prefix tokens); use patches")
            case .registers where model.registers < 1:
                throw document.invalid(path + ["kind"], ProbeError.noRegisters(model: model.name).description.dropLast().description)
            case .sinks, .nonsinks:
                if g.value.detection?.method == .attention, store.manifest.receivedLayers.isEmpty {
                    throw document.invalid(path + ["method"], "the store has no received attention, which method attention needs; \(DetectionError.receivedRemedy(for: store))")
                }
            case .random:
                if let k = g.value.k, k >= patches {
                    throw document.invalid(path + ["k"], "k=\(k) must be below the \(patches) patch tokens of an image (use patches for all of them)")
                }
            default:
                break
            }
        }
    }
}
