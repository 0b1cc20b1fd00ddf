import ActivationStore

// Shape letters: gh × gw patch grid, G = gh·gw patches, C channels, Tp temporal patch, P patch size.

/// Qwen2.5-VL's token orders, for the manifest and for the processor's flattened input.
///
/// HF's processor lays the patches out in 2×2 merge units (units row-major, the unit's 4 patches
/// row-major inside), and the tower then permutes whole units into windows of window/2 × window/2
/// units (windows row-major, units row-major inside, cut at the grid's edge). SinkScope computes in
/// grid order (see docs/forward.md); these functions say where HF has each token.
public enum QwenTokenOrder {
    /// Grid index of each patch in the processor's merge-unit order (HF `get_vision_position_ids`).
    public static func mergeUnitOrder(gridRows gh: Int, gridCols gw: Int, merge m: Int = 2) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(gh * gw)
        for ur in 0..<(gh / m) {
            for uc in 0..<(gw / m) {
                for k in 0..<(m * m) { order.append((ur * m + k / m) * gw + uc * m + k % m) }
            }
        }
        return order
    }

    /// Grid index of each token in the order the blocks compute in (HF `get_vision_window_index`
    /// applied to merge units). `window` is in patches.
    public static func computedOrder(gridRows gh: Int, gridCols gw: Int, merge m: Int = 2, window: Int) -> [Int] {
        let units = mergeUnitOrder(gridRows: gh, gridCols: gw, merge: m)
        let uh = gh / m, uw = gw / m, wu = max(1, window / m)
        var order: [Int] = []
        order.reserveCapacity(gh * gw)
        for top in stride(from: 0, to: uh, by: wu) {
            for left in stride(from: 0, to: uw, by: wu) {
                for r in top..<min(top + wu, uh) {
                    for c in left..<min(left + wu, uw) {
                        let u = r * uw + c
                        order += units[(u * m * m)..<((u + 1) * m * m)]
                    }
                }
            }
        }
        return order
    }

    /// For each patch in grid order, its merge unit (row-major over gh/m × gw/m).
    public static func mergeUnits(gridRows gh: Int, gridCols gw: Int, merge m: Int = 2) -> [Int] {
        (0..<(gh * gw)).map { g in (g / gw / m) * (gw / m) + (g % gw) / m }
    }

    /// The manifest record for a model of this description at a gh × gw grid; nil for families that
    /// compute in grid order with full attention and no merger.
    public static func record(for spec: ArchitectureDescription, gridRows gh: Int, gridCols gw: Int, merges: Bool) -> TokenOrder? {
        guard case let .windowed(window, full) = spec.block.attention else { return nil }
        return TokenOrder(
            computed: merges ? computedOrder(gridRows: gh, gridCols: gw, window: window) : Array(0..<(gh * gw)),
            mergeUnit: merges ? mergeUnits(gridRows: gh, gridCols: gw) : nil, mergeSize: merges ? 2 : nil, window: window,
            windowedBlocks: (0..<spec.layers).filter { !full.contains($0) })
    }

    /// HF `Qwen2VLImageProcessor`'s `pixel_values` for one still image: [G, C·Tp·P·P], rows in
    /// merge-unit order, each row the patch's channels × Tp repeated frames × P × P.
    /// - Parameter pixels: [C, height, width] (preprocessed, CHW).
    public static func flattenedPatches(_ pixels: [Float], channels c: Int, height: Int, width: Int, patch p: Int, temporalPatch tp: Int, merge m: Int = 2) -> [Float] {
        let gh = height / p, gw = width / p, cols = c * tp * p * p
        var out = [Float](repeating: 0, count: gh * gw * cols)
        for (row, g) in mergeUnitOrder(gridRows: gh, gridCols: gw, merge: m).enumerated() {
            let gy = g / gw, gx = g % gw
            for ch in 0..<c {
                for f in 0..<tp {
                    for ky in 0..<p {
                        for kx in 0..<p {
                            out[row * cols + ((ch * tp + f) * p + ky) * p + kx] = pixels[(ch * height + gy * p + ky) * width + gx * p + kx]
                        }
                    }
                }
            }
        }
        return out
    }
}
