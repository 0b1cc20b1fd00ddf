import ActivationStore
import Foundation
import LinearAlgebra

/// Similarity of one token group's representations across layers, or of two groups at one
/// layer: linear CKA and the cosine of group means. Samples are one vector per image (a
/// `Reduction` is required), matched by image: images missing from either side are left out.
public struct GroupSimilarity: Sendable, Equatable, Codable {
    /// Row/column labels: layers (across-layer comparison) or group names (between groups).
    public var labels: [String]
    /// `[m][m]` linear CKA.
    public var cka: [[Double]]
    /// `[m][m]` cosine similarity of the mean vectors.
    public var cosineOfMeans: [[Double]]
    /// Images used (present on every side).
    public var images: Int
}

extension RepresentationSimilarity {
    /// CKA and cosine of means of `group` between every pair of `layers` (sinks at layer i vs
    /// layer j). - Throws: `ProbeError.emptyGroup` when no image has the group on every layer.
    public static func acrossLayers(
        store: StoreReader, layers: [Int], group: TokenGroup, reduce: Reduction = .mean, seed: UInt64 = 0
    ) throws -> GroupSimilarity {
        let sides = try layers.map { l in
            try ProbeSamples.gather(from: store, layer: l, group: group, reduce: reduce,
                                    images: Array(store.images.indices), seed: seed)
        }
        return try compare(sides, labels: layers.map { "layer \($0)" }, name: group.description)
    }

    /// CKA and cosine of means between token groups at one layer (e.g. sinks vs non-sinks).
    public static func betweenGroups(
        store: StoreReader, layer: Int, groups: [TokenGroup], reduce: Reduction = .mean, seed: UInt64 = 0
    ) throws -> GroupSimilarity {
        let sides = try groups.map { g in
            try ProbeSamples.gather(from: store, layer: layer, group: g, reduce: reduce,
                                    images: Array(store.images.indices), seed: seed)
        }
        return try compare(sides, labels: groups.map(\.description), name: groups.map(\.description).joined(separator: " / "))
    }

    /// Pairwise measures over sides matched by image.
    static func compare(_ sides: [ProbeSamples], labels: [String], name: String) throws -> GroupSimilarity {
        var common = Set(sides.first?.image ?? [])
        for side in sides.dropFirst() { common.formIntersection(side.image) }
        let images = common.sorted()
        guard images.count >= 2 else { throw ProbeError.emptyGroup(name: "\(name) on every side (fewer than 2 images in common)") }
        let matrices = sides.map { side -> Matrix in
            let row = Dictionary(uniqueKeysWithValues: side.image.enumerated().map { ($1, $0) })
            return side.x.rows(images.map { row[$0]! })
        }
        let m = matrices.count
        var cka = [[Double]](repeating: [Double](repeating: 1, count: m), count: m)
        var cosine = cka
        for i in 0..<m {
            for j in (i + 1)..<max(i + 1, m) {
                cka[i][j] = try linearCKA(matrices[i], matrices[j]); cka[j][i] = cka[i][j]
                cosine[i][j] = try cosineOfMeans(matrices[i], matrices[j]); cosine[j][i] = cosine[i][j]
            }
        }
        return GroupSimilarity(labels: labels, cka: cka, cosineOfMeans: cosine, images: images.count)
    }
}
