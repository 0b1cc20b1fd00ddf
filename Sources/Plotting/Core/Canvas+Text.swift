import Images
import CGD
import Foundation

/// How text sits on its anchor point, measured along the text's own direction.
public struct TextAnchor: Sendable, Equatable {
    public enum Horizontal: Sendable { case start, center, end }
    public enum Vertical: Sendable { case top, middle, baseline, bottom }
    public var horizontal: Horizontal
    public var vertical: Vertical

    public init(_ horizontal: Horizontal, _ vertical: Vertical) {
        self.horizontal = horizontal
        self.vertical = vertical
    }
}

/// Size, colour and weight of a piece of text (size in pixels).
public struct TextStyle: Sendable, Equatable {
    public var size: Double
    public var color: RGB
    public var bold: Bool

    public init(size: Double, color: RGB = RGB(hex: 0x222222), bold: Bool = false) {
        self.size = size
        self.color = color
        self.bold = bold
    }
}

extension Canvas {
    /// Draws anti-aliased TrueType text anchored at `point` (rendered by libgd's FreeType
    /// path once per string, size and angle, then composited; see `TextMask`).
    /// - Parameters:
    ///   - angle: degrees counter-clockwise; 90 reads bottom to top (a y-axis label).
    /// - Returns: the axis-aligned box the text occupies (for collision checks).
    @discardableResult
    public func text(
        _ string: String, at point: Point, font: Font, style: TextStyle,
        anchor: TextAnchor = TextAnchor(.start, .baseline), angle: Double = 0
    ) throws -> Rect {
        let e = try font.measure(string, size: style.size, bold: style.bold)
        let (origin, box) = Canvas.place(e, at: point, anchor: anchor, angle: angle)
        let mask = try TextMaskCache.shared.mask(string, font: font, size: style.size, bold: style.bold,
                                                 angle: angle * .pi / 180)
        draw(mask, x: Int(origin.x.rounded()), y: Int(origin.y.rounded()), color: style.color)
        return box
    }

    /// The baseline origin that puts `anchor` of the text at `point`, and the rotated box.
    ///
    /// In the text's frame, u runs along the baseline and v upwards; on screen (y down) these
    /// are dir = (cos θ, −sin θ) and up = (−sin θ, −cos θ).
    static func place(_ e: TextExtent, at point: Point, anchor: TextAnchor, angle: Double)
        -> (origin: Point, box: Rect)
    {
        let th = angle * .pi / 180
        let dir = (cos(th), -sin(th)), up = (-sin(th), -cos(th))
        let u: Double
        switch anchor.horizontal {
        case .start: u = e.left
        case .center: u = (e.left + e.right) / 2
        case .end: u = e.right
        }
        let v: Double
        switch anchor.vertical {
        case .top: v = e.capHeight
        case .middle: v = e.capHeight / 2
        case .baseline: v = 0
        case .bottom: v = -e.descent
        }
        let origin = Point(point.x - u * dir.0 - v * up.0, point.y - u * dir.1 - v * up.1)
        var xs: [Double] = [], ys: [Double] = []
        for cu in [e.left, e.right] {
            for cv in [-e.descent, e.capHeight] {
                xs.append(origin.x + cu * dir.0 + cv * up.0)
                ys.append(origin.y + cu * dir.1 + cv * up.1)
            }
        }
        let box = Rect(from: Point(xs.min()!, ys.min()!), to: Point(xs.max()!, ys.max()!))
        return (origin, box)
    }

    /// The box `string` would occupy, without drawing it.
    public static func textBox(
        _ string: String, at point: Point, font: Font, style: TextStyle,
        anchor: TextAnchor = TextAnchor(.start, .baseline), angle: Double = 0
    ) throws -> Rect {
        let e = try font.measure(string, size: style.size, bold: style.bold)
        return place(e, at: point, anchor: anchor, angle: angle).box
    }
}
