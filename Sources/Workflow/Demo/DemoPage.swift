import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// `Reports/demo/index.html`: the ten findings, a few figures picked from the two reports, and
/// links to everything the demo wrote. Built with the report's page kit, so it is static, escaped
/// and looks like the reports it links to.
struct DemoPage {
    let findings: DemoFindings
    let config: DemoConfig
    let photoReport: ReportSummary
    let synthReport: ReportSummary

    func render() -> String {
        let m = findings.model
        let subtitle = "\(m.name) (\(m.architecture), \(m.layers) blocks, D = \(m.hiddenSize)) on \(findings.photos) sample photos "
            + "and \(findings.synth) synthetic scenes; finished in \(DemoSummary.seconds(findings.totalSeconds))."
        let lines = DemoSummary.lines(findings)
        let findingsList = HTML.element("ul", [("class", "findings")], lines.map { HTML.element("li", [], .text($0)) })
        let sections = [
            Page.Section(id: "findings", heading: "Findings", body: findingsList + .paragraph(
                "Each sentence is written from the numbers in findings.json; the reports below show where they come from.",
                class: "note")),
            Page.Section(id: "figures", heading: "Selected figures", body: figures()),
            Page.Section(id: "outputs", heading: "Everything the demo wrote", body: outputs()),
        ]
        return Page(title: "SinkScope demo", subtitle: subtitle, sections: sections,
                    footer: "Written by sinkscope demo. Rerun with bash scripts/demo.sh (--images N, --synth N).").html
    }

    /// Figures picked by file name from each report's `report.json` (the file names are the
    /// report's contract: `norms-by-layer`, `norm-hist-lNN`, `gallery-…`, probe figures).
    func figures() -> HTML {
        var cards: [HTML] = []
        let photo = records(in: config.photoReport)
        for file in ["figures/norms-by-layer.png", "figures/norm-attention-correlation.png"] {
            if let r = photo.first(where: { $0.file == file }) { cards.append(card(r, report: "photos-report")) }
        }
        // The first photo of the gallery with its norm and attention maps at the first gallery layer.
        let gallery = photo.filter { $0.file.hasPrefix("figures/gallery-0000-") }
        cards += gallery.filter { $0.file.hasSuffix("-input.png") }.map { card($0, report: "photos-report") }
        cards += gallery.filter { !$0.file.hasSuffix("-input.png") }.prefix(2).map { card($0, report: "photos-report") }
        for r in records(in: config.synthReport) where r.file.contains("probe") { cards.append(card(r, report: "synth-report")) }
        if cards.isEmpty { return .paragraph("The reports drew no figures.", class: "note") }
        return HTML.element("div", [("class", "grid")], cards)
    }

    func card(_ r: FigureRecord, report: String) -> HTML {
        let src = report + "/" + r.file
        return HTML.element("figure", [("style", "max-width: 460px")],
                            .element("a", [("href", src)], .void("img", [("src", src), ("alt", r.alt), ("width", "\(min(r.width, 460))")]))
                            + .element("figcaption", [], .text(r.caption)))
    }

    func outputs() -> HTML {
        let links: [(String, String)] = [
            ("photos-report/index.html", "Report on the photos: norm histograms, gallery with norm and attention heatmaps, norm vs attention, CKA across layers."),
            ("synth-report/index.html", "Report on the synthetic scenes with the global-vs-local probe results (top-4 by norm as the sink group)."),
            ("probes/global-vs-local/results.csv", "Suite global-vs-local: global and local labels from every token group at every layer (score, 95% interval, control score, selectivity)."),
            ("probes/position/results.csv", "Suite position: grid position and patch colour from single tokens."),
            ("probes/layer-sweep/results.csv", "Suite layer-sweep: PCA spectrum and probe scores by layer."),
            ("probes/controls/results.csv", "Suite controls (three layers): control tasks and permutation p-values."),
            ("findings.json", "The numbers behind the findings (detection per layer, probe headlines)."),
            ("photos-store", "The photo store (manifest.json + safetensors; see docs/store.md)."),
            ("synth-store", "The synthetic-scene store, with labels."),
        ]
        return HTML.element("ul", [], links.map { link, text in
            HTML.element("li", [], .element("a", [("href", link)], .text(link)) + .text(" — " + text))
        })
    }

    func records(in report: URL) -> [FigureRecord] {
        struct Document: Decodable { var figures: [FigureRecord] }
        guard let data = try? Data(contentsOf: report.appendingPathComponent("report.json")) else { return [] }
        return (try? JSONDecoder().decode(Document.self, from: data).figures) ?? []
    }
}
