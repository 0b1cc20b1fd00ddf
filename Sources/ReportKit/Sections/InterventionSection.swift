import Foundation
import SinkAnalysis

/// The Intervention section, shown only for a store written by `sinkscope intervene` (it has
/// `effects.json` beside its manifest): what the intervention changed, layer by layer.
extension ReportContext {
    /// The effects file of the store, nil for an ordinary store.
    /// - Throws: `ReportError.analysisFailed` when the file is there but unreadable.
    static func interventionEffects(store: URL) throws -> InterventionEffects? {
        do {
            return try InterventionEffects.read(store: store)
        } catch {
            throw ReportError.analysisFailed(store: store.path, step: "reading \(InterventionEffects.fileName)", reason: "it is not an effects file written by sinkscope intervene")
        }
    }

    func interventionSection(_ effects: InterventionEffects) throws -> Page.Section {
        let intro = HTML.paragraph("This store is the intervened run of sinkscope intervene (--do \(effects.intervention) --tokens \(effects.tokens)); "
            + "every other section describes the intervened model. The numbers below compare it with the clean run of the same "
            + "\(effects.images) images, from \(InterventionEffects.fileName) beside the store's manifest.")
        let body = try EffectFigures(figures: figures, effects: effects, name: "intervention", data: "intervention").html()
        return Page.Section(id: "intervention", heading: "Intervention", body: intro + body)
    }
}
