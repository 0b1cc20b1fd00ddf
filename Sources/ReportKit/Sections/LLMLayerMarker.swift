import ActivationStore
import Plotting

/// The tower layer an LVLM's language model reads (`model.lvlm` of a store extracted from an LVLM
/// folder), marked wherever a report shows layers: "23 ◀ LLM" in the sinks table, a vertical line in
/// the norm chart, one sentence under the table.
extension ReportContext {
    /// The store layer the LLM sees, nil for a bare tower.
    var llmLayer: Int? { model.lvlm?.layer }

    /// A layer as the sinks table writes it.
    func layerLabel(_ layer: Int) -> String { layer == llmLayer ? "\(layer) ◀ LLM" : "\(layer)" }

    /// The sentence under the sinks table, when the store came from an LVLM folder.
    var llmLayerNote: HTML? {
        guard let tower = model.lvlm else { return nil }
        let shown = layers.contains(tower.layer) ? "" : " (not among the layers of this report)"
        return .paragraph("Layer marked ◀ LLM: \(tower.sentence)\(shown).", class: "note")
    }

    /// A dashed vertical line at the LLM's layer spanning `series`' values, when that layer is charted.
    func llmLayerSeries(over series: [LineChart.Series], positiveOnly: Bool) -> LineChart.Series? {
        guard let l = llmLayer, layers.contains(l) else { return nil }
        let values = series.flatMap(\.y).filter { $0.isFinite && (!positiveOnly || $0 > 0) }
        guard let low = values.min(), let high = values.max() else { return nil }
        return .init(name: "layer the LLM sees (\(l))", x: [Double(l), Double(l)], y: [low, high],
                     color: RGB(110, 110, 110), marker: nil, dashed: true)
    }
}
