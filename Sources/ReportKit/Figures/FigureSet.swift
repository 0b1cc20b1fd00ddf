import Foundation
import Plotting

/// One PNG of a report, as listed in `report.json` and shown in the page.
public struct FigureRecord: Sendable, Codable, Equatable {
    /// Path relative to the report directory, e.g. `figures/norm-hist-l07.png`.
    public var file: String
    /// Device pixels of the PNG.
    public var width: Int
    public var height: Int
    /// Short text for screen readers (what the image shows).
    public var alt: String
    /// What is plotted, in one or two sentences.
    public var caption: String
    /// The report.json key whose numbers the figure draws.
    public var data: String
}

/// Renders charts into `figures/` of a report directory and hands back the markup that shows them.
///
/// File names are chosen by the report (section, layer and image *index*), never from store text,
/// so an image id like `../../x` or `<script>` cannot steer where a file goes.
final class FigureSet: @unchecked Sendable {
    let directory: URL
    let scale: Double
    private(set) var records: [FigureRecord] = []
    private let progress: ((String) -> Void)?

    init(directory: URL, scale: Double, progress: ((String) -> Void)? = nil) throws {
        self.directory = directory
        self.scale = scale
        self.progress = progress
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.writeFailed(path: directory.path, reason: error.localizedDescription)
        }
    }

    /// A style of `width` x `height` logical pixels at the report's scale.
    func style(_ width: Int, _ height: Int) -> ChartStyle {
        ChartStyle(width: width, height: height, scale: scale)
    }

    /// Renders `chart` to `figures/<name>.png` and returns a `<figure>` with alt text and caption.
    /// - Parameter display: CSS width in pixels the page shows it at (default: its logical width).
    func add(_ chart: any Chart, name: String, alt: String, caption: String, data: String, display: Int? = nil) throws -> HTML {
        let file = "figures/\(name).png"
        let url = directory.appendingPathComponent("\(name).png")
        do {
            try chart.write(to: url)
        } catch {
            throw ReportError.figureFailed(name: file, reason: "\(error)")
        }
        let record = FigureRecord(file: file, width: chart.style.pixelWidth, height: chart.style.pixelHeight,
                                  alt: alt, caption: caption, data: data)
        records.append(record)
        progress?(file)
        return Self.markup(record, display: display ?? chart.style.width)
    }

    static func markup(_ r: FigureRecord, display: Int) -> HTML {
        let shownHeight = Int((Double(r.height) * Double(display) / Double(max(r.width, 1))).rounded())
        let img = HTML.void("img", [("src", r.file), ("alt", r.alt), ("width", "\(display)"), ("height", "\(shownHeight)")])
        return .element("figure", [("style", "width: \(display)px")], img + .element("figcaption", [], .text(r.caption)))
    }
}
