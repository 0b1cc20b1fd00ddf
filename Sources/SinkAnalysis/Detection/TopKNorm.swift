import Foundation

/// Sinks by rank: the `k` highest-norm tokens of each image (patch tokens, or all tokens when
/// `includePrefix`). Always flags exactly k tokens per image, outliers or not, so read it next to a
/// threshold method. Ties are broken by the lower token index and noted.
public struct TopKNorm: SinkDetector, Equatable {
    public var k: Int
    public var includePrefix: Bool

    public init(k: Int, includePrefix: Bool = false) {
        self.k = k
        self.includePrefix = includePrefix
    }

    public var name: String { "topk" }
    public var inputs: DetectorInputs { [] }
    public var parameters: [String: String] { ["k": "\(k)", "include_prefix": "\(includePrefix)"] }

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        let t = layer.tokenCount, p = layer.prefixCount
        let candidates = includePrefix ? 0..<t : layer.patchRange
        guard k >= 1, k < candidates.count else {
            throw DetectionError.invalidParameter(
                method: name, name: "k", value: "\(k)",
                expected: "between 1 and \(candidates.count - 1) (fewer than the \(candidates.count) candidate tokens)")
        }
        var passes = [UInt8](repeating: 0, count: layer.norms.count)
        var tiedImages: [Int] = []
        for i in 0..<layer.imageCount {
            let row = Array(layer.norms(image: i))
            let order = candidates.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            guard row[order[0]] != row[order[order.count - 1]] else {
                throw DetectionError.constantNorms(source: layer.source, layer: layer.layer, image: layer.firstImage + i)
            }
            if row[order[k - 1]] == row[order[k]] { tiedImages.append(layer.firstImage + i) }
            for j in order.prefix(k) { passes[i * t + j] = 1 }
            if !includePrefix {
                // A prefix token "passes" when it would enter the top-k (it wins ties by its lower index).
                let kth = row[order[k - 1]]
                for j in 0..<p where row[j] >= kth { passes[i * t + j] = 1 }
            }
        }
        return SinkCriterion(passes: passes, tiedImages: tiedImages)
    }
}
