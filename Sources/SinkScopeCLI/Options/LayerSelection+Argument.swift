import ArgumentParser
import SinkAnalysis

/// The one layer-list argument of the command line: `all`, or comma-separated layer numbers such
/// as `0,4,8` (no ranges). The library's `LayerSelection` (what probe suites declare) parses the
/// text; the command line is stricter and refuses empty pieces (`0,,4`, `0,4,`) so that a typo is
/// reported, not dropped.
///
/// Example:
///     sinkscope report --store runs/photos --layers 0,4,8,12 --out runs/photos-report
extension LayerSelection: ExpressibleByArgument {
    public init?(argument: String) {
        let pieces = argument.split(separator: ",", omittingEmptySubsequences: false)
        guard !pieces.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        self.init(argument)
    }

    public var defaultValueDescription: String { description }

    /// The listed layers, in the order given; nil for `all`.
    var layers: [Int]? {
        switch self {
        case .all: return nil
        case .list(let layers): return layers
        }
    }
}
