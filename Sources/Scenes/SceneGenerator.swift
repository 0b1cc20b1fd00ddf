import Images
import Support

/// Draws labelled synthetic scenes whose global attributes (texture, orientation, palette,
/// layout) and local attributes (object count, the designated object's quadrant, colour and
/// shape) vary independently: the probe-suite data set where the right answer is known.
///
///     let generator = try SceneGenerator(seed: 7, size: 224)
///     let specs = generator.specs(count: 300)        // labels + geometry, no pixels yet
///     let png = try generator.png(specs[0])          // the image as PNG bytes (libgd)
///
/// Deterministic: the same seed, size and count give byte-identical images on any machine with
/// the same libgd/zlib (the randomness is our own `SeededGenerator`, never the system's).
public struct SceneGenerator: Sendable {
    public let seed: UInt64
    /// Width and height of every image.
    public let size: Int

    /// - Throws: `ImageError.invalidSetting` when `size` is outside 32...2048.
    public init(seed: UInt64, size: Int = 224) throws {
        guard (32...2048).contains(size) else {
            throw ImageError.invalidSetting(name: "size", value: "\(size)", expected: "32...2048 pixels")
        }
        self.seed = seed
        self.size = size
    }

    /// The file name stem (= image id) of image `index`.
    public static func id(_ index: Int) -> String {
        let digits = String(index)
        return "synth-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The specs of images `0..<count`.
    ///
    /// Each attribute is balanced: its values are dealt round-robin (`i % k`) and shuffled, with
    /// one independent shuffle per attribute, so every value appears `count / k` times (±1) and
    /// attributes are statistically independent of each other. Per-image details (positions,
    /// sizes, texture phase, distractor shapes) come from the image's own random stream.
    ///
    /// - Complexity: O(count).
    public func specs(count: Int) -> [SceneSpec] {
        guard count > 0 else { return [] }
        var dealer = SeededGenerator(seed: seed)
        func deal<T>(_ values: [T]) -> [T] {
            var order = (0..<count).map { $0 % values.count }
            dealer.shuffle(&order)
            return order.map { values[$0] }
        }
        let textures = deal(Texture.allCases), orientations = deal(Orientation.allCases)
        let palettes = deal(Palette.allCases), layouts = deal(Layout.allCases)
        let counts = deal([1, 2, 3, 4]), quadrants = deal(Quadrant.allCases)
        let colors = deal(ObjectColor.allCases), shapes = deal(ObjectShape.allCases)
        return (0..<count).map { i in
            var rng = SeededGenerator(seed: seed, item: UInt64(i))
            let period = Double(size) / 8 * rng.uniform(0.85, 1.15)
            var spec = SceneSpec(
                id: Self.id(i), size: size,
                texture: textures[i], orientation: orientations[i], palette: palettes[i], layout: layouts[i],
                horizonY: Int((Double(size) * layouts[i].horizonFraction).rounded()) + rng.int(in: -size / 50...size / 50),
                period: period, phase: rng.uniform(0, period), brightness: rng.int(in: -8...8),
                quadrant: quadrants[i], objectColor: colors[i], objectShape: shapes[i], objects: [])
            spec.objects = placeObjects(count: counts[i], spec: spec, rng: &rng)
            return spec
        }
    }

    /// One object per quadrant: the designated one in its labelled quadrant, the distractors in
    /// distinct other quadrants, so objects never overlap and each is countable.
    private func placeObjects(count: Int, spec: SceneSpec, rng: inout SeededGenerator) -> [PlacedObject] {
        var others = Quadrant.allCases.filter { $0 != spec.quadrant }
        rng.shuffle(&others)
        let quadrants = [spec.quadrant] + others.prefix(count - 1)
        let half = size / 2
        return quadrants.enumerated().map { k, q in
            let radius = max(3, Int((Double(size) * rng.uniform(0.055, 0.075)).rounded()))
            let margin = radius + SceneRenderer.outline + 2
            let x0 = q.cell.col * half, y0 = q.cell.row * half
            let x = x0 + rng.int(in: margin...max(margin, half - 1 - margin))
            let y = y0 + rng.int(in: margin...max(margin, half - 1 - margin))
            let shape = k == 0 ? spec.objectShape : ObjectShape.allCases[rng.below(ObjectShape.allCases.count)]
            let fill = k == 0 ? spec.objectColor.rgb : ObjectColor.distractor
            return PlacedObject(x: x, y: y, radius: radius, shape: shape, quadrant: q, fill: fill)
        }
    }

    /// The scene as PNG bytes.
    public func png(_ spec: SceneSpec) throws -> [UInt8] {
        try SceneRenderer.png(spec)
    }

    /// The scene as pixels (what a decoder reading the PNG returns).
    public func image(_ spec: SceneSpec) throws -> RGBImage {
        try SceneRenderer.image(spec)
    }
}
