import Foundation

/// A chart: a value holding its data and style that renders itself to PNG with libgd.
///
/// Rendering is deterministic: the same chart gives the same bytes (libgd writes no time
/// stamp, compression is fixed by `style.compression`, and no step depends on a clock or a
/// random source).
public protocol Chart: Sendable {
    var style: ChartStyle { get }
    /// Draws the whole chart onto a canvas of `style.pixelWidth` x `style.pixelHeight`.
    func draw(on canvas: Canvas, font: Font) throws
}

extension Chart {
    /// The chart as PNG bytes.
    /// - Throws: `PlottingError` for invalid data, a missing font, or a failed encode.
    public func render() throws -> [UInt8] {
        try style.validate()
        let font = try style.font ?? Font.dejaVuSans()
        let canvas = try Canvas(width: style.pixelWidth, height: style.pixelHeight,
                                background: style.background, dpi: Int((Double(style.dpi) * style.scale).rounded()))
        try draw(on: canvas, font: font)
        return try canvas.png(compression: style.compression)
    }

    /// Renders and writes the PNG atomically: a temporary file beside `url`, then a rename, so a
    /// failed render never leaves a half-written image.
    public func write(to url: URL) throws {
        let bytes = try render()
        try writeAtomically(bytes, to: url)
    }
}

/// Writes `bytes` to a temporary sibling of `url`, then moves it into place.
public func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
    do {
        try Data(bytes).write(to: temp)
        // rename(2) replaces an existing file atomically (FileManager's replace does not on Linux).
        guard rename(temp.path, url.path) == 0 else {
            throw PlottingError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
    } catch let error as PlottingError {
        try? FileManager.default.removeItem(at: temp)
        throw error
    } catch {
        try? FileManager.default.removeItem(at: temp)
        throw PlottingError.writeFailed(path: url.path, reason: error.localizedDescription)
    }
}
