import Foundation

/// Everything that can go wrong while building or rendering a chart. Each case carries the bad
/// value and reads as one sentence.
public enum PlottingError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// No DejaVu Sans TrueType file in any of the searched places.
    case fontNotFound(searched: [String])
    /// An array has the wrong number of elements, e.g. grid values vs rows x cols.
    case shapeMismatch(what: String, expected: Int, got: Int)
    /// A chart was given nothing to draw.
    case emptyData(what: String)
    /// A parameter is outside its allowed range.
    case invalidParameter(name: String, value: String, expected: String)
    /// libgd could not allocate a canvas of this size (or it exceeds the safety limit).
    case canvasTooLarge(width: Int, height: Int)
    /// libgd failed to draw text (its own message).
    case textFailed(message: String)
    case pngEncodingFailed
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fontNotFound(let searched):
            return "DejaVu Sans was not found (looked in \(searched.joined(separator: ", "))); "
                + "install fonts-dejavu-core or set SINKSCOPE_FONT to a .ttf file."
        case .shapeMismatch(let what, let expected, let got):
            return "\(what) has \(got) elements but \(expected) were expected."
        case .emptyData(let what):
            return "\(what) is empty: there is nothing to plot."
        case .invalidParameter(let name, let value, let expected):
            return "\(name)=\(value) is invalid: expected \(expected)."
        case .canvasTooLarge(let width, let height):
            return "a \(width)x\(height) pixel canvas is too large (limit 8192x8192)."
        case .textFailed(let message):
            return "libgd could not draw text: \(message)."
        case .pngEncodingFailed:
            return "libgd failed to encode the chart as PNG."
        case .writeFailed(let path, let reason):
            return "could not write \(path): \(reason)."
        }
    }

    public var errorDescription: String? { description }
}
