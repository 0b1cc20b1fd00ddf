import Images
import Foundation
import Plotting

/// A picture alone, fitted into the chart area under a title: the gallery's "what the model saw"
/// panel, sized like the heatmaps beside it. A subtitle line can carry a note (e.g. placeholder).
struct ImagePanel: Chart {
    var image: RGBImage
    var title: String
    var subtitle: String?
    var style: ChartStyle

    func draw(on canvas: Canvas, font: Font) throws {
        let s = style.scale
        let titleSize = style.titleSize * s, noteSize = style.tickSize * s
        let top = style.padding * s + titleSize * 1.6
        try canvas.text(title, at: Point(Double(canvas.width) / 2, style.padding * s), font: font,
                        style: TextStyle(size: titleSize, color: style.textColor, bold: true),
                        anchor: TextAnchor(.center, .top))
        let bottom = Double(canvas.height) - style.padding * s - (subtitle == nil ? 0 : noteSize * 1.8)
        let room = (w: Double(canvas.width) - 2 * style.padding * s, h: bottom - top)
        let fit = min(room.w / Double(image.width), room.h / Double(image.height))
        let w = max(1, Int((Double(image.width) * fit).rounded())), h = max(1, Int((Double(image.height) * fit).rounded()))
        let x0 = Int(((Double(canvas.width) - Double(w)) / 2).rounded()), y0 = Int(top.rounded())
        let shown = image.resampled(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                canvas.fill(Rect(x: Double(x0 + x), y: Double(y0 + y), width: 1, height: 1), shown[x, y])
            }
        }
        canvas.stroke(Rect(x: Double(x0 - 1), y: Double(y0 - 1), width: Double(w + 2), height: Double(h + 2)),
                      style.axisColor, lineWidth: max(1, s))
        if let subtitle {
            try canvas.text(subtitle, at: Point(Double(canvas.width) / 2, Double(y0 + h) + noteSize * 0.6), font: font,
                            style: TextStyle(size: noteSize, color: style.textColor), anchor: TextAnchor(.center, .top))
        }
    }
}
