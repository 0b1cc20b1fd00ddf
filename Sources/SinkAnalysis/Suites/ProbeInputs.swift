import ActivationStore
import Foundation

/// What a probe reads at one layer besides the store's own tensors. `sinkscope probe` passes
/// none; a probe suite fills it so that many rows share work and so that a sink group can use
/// its own detection parameters:
/// - `masks`: sink masks computed in memory, by mask key (the METHOD of `sinks:METHOD`), used
///   instead of the store's `sink.{METHOD}.{l}` — a suite never writes into the store;
/// - `patchColors`: the `patch_color` target, decoded once per run instead of once per row;
/// - `samples`: the samples of a group already gathered over all images at this layer, reused by
///   every target of that group (equal, row for row, to gathering them again, see `cached`).
public struct ProbeInputs: Sendable {
    /// Identifies gathered samples: a group and its reduction.
    public struct SampleKey: Hashable, Sendable {
        public var group: TokenGroup
        public var reduce: Reduction?
        public init(group: TokenGroup, reduce: Reduction?) { self.group = group; self.reduce = reduce }
    }

    /// Mask key → `[N, T]` (1 = sink) over all N images of the store, at this layer.
    public var masks: [String: [UInt8]]
    /// `[N, P, 3]` patch mean colours (see `PatchColors`), P = grid rows × cols.
    public var patchColors: [Float]?
    /// Samples gathered with `ProbeSamples.gather` over all N images (in store order) at this layer.
    public var samples: [SampleKey: ProbeSamples]

    public init(masks: [String: [UInt8]] = [:], patchColors: [Float]? = nil, samples: [SampleKey: ProbeSamples] = [:]) {
        self.masks = masks
        self.patchColors = patchColors
        self.samples = samples
    }

    /// The in-memory mask rows `[b, T]` of `images` for `key`, or nil when the key is not here.
    func mask(_ key: String, images: [Int], tokens t: Int) -> [UInt8]? {
        guard let all = masks[key] else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(images.count * t)
        for i in images { out += all[(i * t)..<((i + 1) * t)] }
        return out
    }

    /// The samples `ProbeSamples.gather` would return for `images` (ascending store indices),
    /// cut from the cached all-image samples; nil when none are cached.
    ///
    /// Equal to gathering again because every choice `gather` makes is per image (the reduction,
    /// and random groups draw from the image's own seeded stream), and it emits images in the
    /// order given.
    /// - Throws: `ProbeError.emptyGroup` as `gather` does when no image has a token in the group.
    func cached(_ key: SampleKey, images: [Int]) throws -> ProbeSamples? {
        guard let all = samples[key] else { return nil }
        let wanted = Set(images)
        let rows = all.image.indices.filter { wanted.contains(all.image[$0]) }
        guard !rows.isEmpty else { throw ProbeError.emptyGroup(name: key.group.description) }
        let kept = rows.count == all.image.count ? all
            : ProbeSamples(x: all.x.rows(rows), image: rows.map { all.image[$0] }, token: rows.map { all.token[$0] }, emptyImages: 0)
        var out = kept
        out.emptyImages = images.count - Set(kept.image).count
        return out
    }
}
