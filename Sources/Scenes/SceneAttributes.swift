import Images

/// The attributes of a synthetic scene. Global ones describe the whole image (background
/// texture, its orientation, the palette, the horizon); local ones describe small objects.
/// Raw values are what `labels.csv` holds. `labels.md` (see `SceneLabels`) explains each.

// MARK: - Global

/// The background pattern, drawn in two shades of the palette above and below the horizon.
public enum Texture: String, Codable, Sendable, CaseIterable {
    /// A smooth two-shade gradient running along the orientation.
    case plain
    /// Parallel bands (period ~ size/8) running along the orientation.
    case stripes
    /// A checkerboard of 2:1 rectangles whose long side runs along the orientation.
    case checker
    /// Rows of dots along the orientation (dots closer within a row than between rows).
    case dots
}

/// The direction the texture runs in, in degrees counter-clockwise from horizontal (image y up).
public enum Orientation: String, Codable, Sendable, CaseIterable {
    case deg0 = "0", deg45 = "45", deg90 = "90", deg135 = "135"

    public var degrees: Double { Double(rawValue) ?? 0 }
}

/// The overall colour scheme of the background (sky and ground shades).
public enum Palette: String, Codable, Sendable, CaseIterable {
    case warm, cool, grey, green

    /// Light and dark texture shades above the horizon (sky), then below it (ground). All are
    /// muted, and with the brightness jitter they stay at least 35 levels away from every object
    /// fill colour in some channel (tested), so an object pixel is never background.
    var shades: (sky: [RGB], ground: [RGB]) {
        switch self {
        case .warm: return ([RGB(240, 200, 160), RGB(222, 168, 122)], [RGB(196, 140, 100), RGB(170, 112, 80)])
        case .cool: return ([RGB(178, 204, 236), RGB(138, 172, 214)], [RGB(104, 140, 188), RGB(82, 114, 162)])
        case .grey: return ([RGB(212, 212, 212), RGB(178, 178, 178)], [RGB(142, 142, 142), RGB(114, 114, 114)])
        case .green: return ([RGB(196, 226, 176), RGB(156, 200, 136)], [RGB(112, 160, 96), RGB(86, 132, 76)])
        }
    }
}

/// Where the horizon (the line between the sky and ground shades) lies.
public enum Layout: String, Codable, Sendable, CaseIterable {
    /// Horizon at 30% of the height.
    case high
    /// Horizon at 50%.
    case middle
    /// Horizon at 70%.
    case low

    var horizonFraction: Double {
        switch self {
        case .high: return 0.3
        case .middle: return 0.5
        case .low: return 0.7
        }
    }
}

// MARK: - Local

/// The image quadrant of the designated (coloured) object.
public enum Quadrant: String, Codable, Sendable, CaseIterable {
    case topLeft = "top-left", topRight = "top-right", bottomLeft = "bottom-left", bottomRight = "bottom-right"

    /// `(column, row)` of the quadrant, each 0 or 1.
    var cell: (col: Int, row: Int) {
        switch self {
        case .topLeft: return (0, 0)
        case .topRight: return (1, 0)
        case .bottomLeft: return (0, 1)
        case .bottomRight: return (1, 1)
        }
    }
}

/// The fill colour of the designated object; the other objects are white.
public enum ObjectColor: String, Codable, Sendable, CaseIterable {
    case red, green, blue, yellow

    public var rgb: RGB {
        switch self {
        case .red: return RGB(220, 30, 30)
        case .green: return RGB(20, 170, 40)
        case .blue: return RGB(30, 60, 230)
        case .yellow: return RGB(250, 215, 0)
        }
    }

    /// The fill of every non-designated object.
    public static let distractor = RGB(255, 255, 255)
}

/// The shape of an object.
public enum ObjectShape: String, Codable, Sendable, CaseIterable {
    case circle, square, triangle, diamond
}

extension RGB {
    /// Each channel moved by `delta`, clamped to 0...255.
    func shifted(_ delta: Int) -> RGB {
        func c(_ v: UInt8) -> UInt8 { UInt8(clamping: Int(v) + delta) }
        return RGB(c(r), c(g), c(b))
    }
}
