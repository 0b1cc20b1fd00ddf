import ActivationStore
import Plotting

/// Layers written by windowed-attention blocks (Qwen2.5-VL's vision tower): a token there is attended
/// only from its own window, so its received attention, and a sink found by attention, mean something
/// else than in a full-attention block. The sinks table gets an "attention" column, the per-layer
/// charts shade these layers, and a note says why.
extension ReportContext {
    /// Analysed layers whose block attends within windows (empty when the model has none).
    var windowedLayers: [Int] { results.map(\.layer).filter { model.attention(ofLayer: $0) == .windowed } }

    /// The per-layer charts' shading of the windowed layers, nil when there are none.
    var windowedSpans: LineChart.Spans? {
        let layers = windowedLayers
        return layers.isEmpty ? nil : LineChart.Spans(ranges: LineChart.Spans.runs(of: layers), label: "windowed blocks")
    }

    /// The caption sentence for a per-layer chart with the windowed layers shaded.
    var windowedCaption: String {
        windowedLayers.isEmpty ? "" : " Shaded: layers written by windowed-attention blocks."
    }

    /// The note under the sinks table, nil when no analysed layer is windowed.
    var windowedNote: String? {
        let layers = windowedLayers
        guard !layers.isEmpty, let order = model.tokenOrder else { return nil }
        let window = order.window.map { " (windows of \($0)×\($0) patches)" } ?? ""
        return "Layers \(layers.map(String.init).joined(separator: ", ")) were written by windowed-attention blocks\(window): "
            + "a token there is attended only from its own window, so its received attention is not comparable with a "
            + "full-attention layer's and a sink by attention means \"dominant in its window\". The store keeps every "
            + "tensor in patch-grid order; the manifest's token_order records the windows."
    }

    /// The sinks table's "attention" cell of a layer (no cell when the model has no windowed blocks).
    func windowedCell(_ r: LayerResult) -> [String] {
        windowedLayers.isEmpty ? [] : [r.detection.attention?.rawValue ?? "–"]
    }
}
