import ActivationStore
import LinearAlgebra

/// Turns a spec's target into per-sample values for a store: which images qualify, the class
/// indices or numbers of each sample, and the types that control tasks shuffle between.
struct ProbeTargetBuilder {
    enum Values { case classes([Int], count: Int), values(MatrixD) }

    let spec: ProbeSpec
    let store: StoreReader
    /// The label column read, if any.
    let column: String?
    /// Store indices of the images that have the target.
    let images: [Int]
    let skippedImages: Int
    /// `[N, P, 3]` patch colours given by the caller (read from the store's images when nil).
    let patchColors: [Float]?

    var isControl: Bool { if case .control = spec.target { return true } else { return false } }

    init(spec: ProbeSpec, store: StoreReader, patchColors: [Float]? = nil) throws {
        self.spec = spec
        self.store = store
        self.patchColors = patchColors
        let all = Array(store.images.indices)
        guard spec.probe != .pca else {   // PCA has no target: every image counts
            column = nil; images = all; skippedImages = 0
            return
        }
        switch spec.target {
        case .label(let c)?, .control(let c?)?:
            column = c
        case .control(nil)?:
            let columns = Set(store.images.flatMap(\.labels.keys)).sorted()
            guard columns.count == 1 else {
                throw ProbeError.invalidParameter(name: "target", value: "control",
                                                  allowed: "written control:COLUMN when the store has \(columns.count) label columns (\(columns.joined(separator: ", ")))")
            }
            column = columns[0]
        case .position?, .gridRow?, .gridColumn?, .patchColor?, nil:
            column = nil
        }
        if let column {
            images = all.filter { store.images[$0].labels[column] != nil }
            guard !images.isEmpty else {
                let known = Set(store.images.flatMap(\.labels.keys)).sorted()
                throw ProbeError.invalidParameter(name: "label column", value: column,
                                                  allowed: "one of the store's label columns (\(known.isEmpty ? "none; import with --labels" : known.joined(separator: ", ")))")
            }
        } else {
            images = all
        }
        skippedImages = all.count - images.count
    }

    /// The targets of `samples`; for positional targets (position, row, column, patch colour),
    /// samples of prefix tokens (CLS, registers) have no patch and are dropped from `samples`.
    func values(for samples: inout ProbeSamples) throws -> Values {
        if let target = spec.target, target.isPositional {
            let prefix = store.model.prefixTokens
            let keep = samples.token.indices.filter { samples.token[$0] >= prefix }
            guard !keep.isEmpty else { throw ProbeError.emptyGroup(name: "\(spec.group) patch tokens (\(target) target)") }
            if keep.count < samples.token.count {
                samples = ProbeSamples(x: samples.x.rows(keep), image: keep.map { samples.image[$0] },
                                       token: keep.map { samples.token[$0] }, emptyImages: samples.emptyImages)
            }
            let (rows, cols) = (store.model.grid[0], store.model.grid[1])
            let patch = samples.token.map { $0 - prefix }
            switch target {
            case .gridRow, .gridColumn:
                let (value, count) = target == .gridRow ? (patch.map { $0 / cols }, rows) : (patch.map { $0 % cols }, cols)
                if spec.probe == .logistic { return .classes(value, count: count) }
                return .values(MatrixD(rows: value.count, cols: 1, values: value.map(Double.init)))
            case .patchColor:
                let colors = try patchColors ?? PatchColors.load(store: store)   // [N, P, 3]
                let p = rows * cols
                return .values(MatrixD(rows: patch.count, cols: 3, values: zip(samples.image, patch).flatMap { i, q in
                    (0..<3).map { Double(colors[(i * p + q) * 3 + $0]) }
                }))
            default:
                if spec.probe == .logistic { return .classes(patch, count: rows * cols) }
                // (row, col) scaled to [0, 1] so both outputs weigh the same in R².
                return .values(MatrixD(rows: patch.count, cols: 2, values: patch.flatMap { p in
                    [Double(p / cols) / Double(max(rows - 1, 1)), Double(p % cols) / Double(max(cols - 1, 1))]
                }))
            }
        }
        let column = column!
        let strings = samples.image.map { store.images[$0].labels[column]! }
        var classes: [Int] = []
        var count = 0
        if spec.probe == .logistic {
            let names = Array(Set(strings)).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            classes = strings.map { index[$0]! }
            count = names.count
            guard count >= 2 else { throw ProbeError.singleClass(label: names.first ?? "", samples: strings.count) }
        }
        if isControl {   // the control task is the target: shuffle it here, once
            if spec.probe == .logistic {
                return .classes(try ControlTask.targets(classes, types: controlTypes(samples), seed: spec.seed ^ 0x5EED_C0DE), count: count)
            }
        }
        if spec.probe == .logistic { return .classes(classes, count: count) }
        var numbers: [Double] = []
        for (i, s) in strings.enumerated() {
            guard let v = Double(s), v.isFinite else {
                throw ProbeError.invalidParameter(name: "label \(column) of image \(store.images[samples.image[i]].id)", value: "\"\(s)\"",
                                                  allowed: "a number for a ridge probe (use --probe logistic for categories)")
            }
            numbers.append(v)
        }
        if isControl { numbers = try ControlTask.targets(numbers, types: controlTypes(samples), seed: spec.seed ^ 0x5EED_C0DE) }
        return .values(MatrixD(rows: numbers.count, cols: 1, values: numbers))
    }

    /// Control-task types: the token position for position, row and column targets (a
    /// consistent random position per position), each sample on its own for patch colours (a
    /// plain permutation: a colour is not a property of a type), the image for label targets.
    func controlTypes(_ samples: ProbeSamples) -> [Int] {
        switch spec.target {
        case .patchColor?: return Array(samples.token.indices)
        case let t? where t.isPositional: return samples.token
        default: return samples.image
        }
    }

    /// Permutations move image labels between images; positional targets permute freely.
    func permutationGroups(_ samples: ProbeSamples) -> [Int]? {
        spec.target?.isPositional == true ? nil : samples.image
    }
}
