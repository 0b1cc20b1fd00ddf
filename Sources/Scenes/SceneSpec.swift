import Images

/// Everything needed to draw one synthetic scene, and its labels.
///
/// Coordinates are pixels with the origin at the top-left corner, x to the right, y down.
public struct SceneSpec: Codable, Sendable, Equatable {
    /// The image id, also its file name without `.png` (`synth-00042`).
    public var id: String
    /// Width and height in pixels (square images).
    public var size: Int

    // MARK: Global attributes
    public var texture: Texture
    public var orientation: Orientation
    public var palette: Palette
    public var layout: Layout
    /// The horizon's row (from `layout`, jittered by a few pixels).
    public var horizonY: Int
    /// Texture period in pixels and its phase offset along the texture normal.
    public var period: Double
    public var phase: Double
    /// Brightness jitter applied to every background shade (-8...8).
    public var brightness: Int

    // MARK: Local attributes
    /// The quadrant, colour and shape of the designated object (`objects[0]`).
    public var quadrant: Quadrant
    public var objectColor: ObjectColor
    public var objectShape: ObjectShape
    /// All objects, one per quadrant at most; `objects[0]` is the designated one, the others
    /// are white distractors. `objects.count` is the `count` label (1...4).
    public var objects: [PlacedObject]

    public var count: Int { objects.count }
}

/// One small object: a filled shape with a black outline, inside one quadrant.
public struct PlacedObject: Codable, Sendable, Equatable {
    public var x: Int
    public var y: Int
    /// Half the object's extent; the outline adds `SceneRenderer.outline` pixels.
    public var radius: Int
    public var shape: ObjectShape
    public var quadrant: Quadrant
    /// The fill colour: the designated object's label colour, or white for a distractor.
    public var fill: RGB
}

extension SceneSpec {
    /// The columns of `labels.csv`, in order (`image` first, as `extract --labels` expects).
    public static let labelColumns = [
        "image", "texture", "orientation", "palette", "layout",
        "count", "quadrant", "object_color", "object_shape", "object_x", "object_y",
    ]

    /// This scene's `labels.csv` values, in `labelColumns` order.
    public var labelValues: [String] {
        [
            id, texture.rawValue, orientation.rawValue, palette.rawValue, layout.rawValue,
            "\(count)", quadrant.rawValue, objectColor.rawValue, objectShape.rawValue,
            objects.first.map { "\($0.x)" } ?? "", objects.first.map { "\($0.y)" } ?? "",
        ]
    }

    /// Labels by column name (without `image`), as the store's `ImageEntry.labels` holds them.
    public var labels: [String: String] {
        Dictionary(uniqueKeysWithValues: zip(Self.labelColumns, labelValues).dropFirst().map { ($0, $1) })
    }
}
