import Images
import ActivationStore
import Foundation
import Plotting

/// Section 4: images with their norm and received-attention heatmaps at a few layers, sinks outlined.
extension ReportContext {
    /// The outline colour of sink cells: cyan does not occur in magma or viridis.
    static let sinkOutline = RGB(hex: 0x00E5FF)

    /// The gallery layers: as asked, else three from where the sinks are (the first layer with
    /// sinks, the one with the most, the last), filled up with the layers nearest the middle.
    func galleryLayers() throws -> [Int] {
        if let asked = config.galleryLayers {
            if let bad = asked.first(where: { !layers.contains($0) }) {
                throw ReportError.unknownLayer(store: store.url.path, layer: bad, available: layers)
            }
            return Array(Set(asked)).sorted()
        }
        var pick: [Int] = []
        if let first = results.first(where: { $0.totalSinks > 0 }) { pick += [first.layer, analysis.busiestLayer] }
        if let last = layers.last { pick.append(last) }
        let middle = layers.count / 2
        for l in layers.indices.sorted(by: { abs($0 - middle) < abs($1 - middle) }).map({ layers[$0] }) where Set(pick).count < 3 {
            pick.append(l)
        }
        return Array(Set(pick)).sorted()
    }

    /// Images with the most sinks at the gallery layers (store order on ties).
    func galleryImages(layers chosen: [Int]) -> (indices: [Int], selection: String) {
        let k = min(config.galleryImages, analysis.n)
        let rows = results.filter { chosen.contains($0.layer) }
        let totals = (0..<analysis.n).map { i in rows.reduce(0) { $0 + $1.counts[i] } }
        guard totals.contains(where: { $0 > 0 }) else {
            return (Array(0..<k), "the first \(k) images of the store (no image has sinks at the gallery layers)")
        }
        let order = (0..<analysis.n).sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
        return (Array(order.prefix(k)).sorted(), "the \(k) images with the most sinks summed over the gallery layers (store order on ties)")
    }

    func gallerySection() throws -> (Page.Section, GalleryFacts) {
        let chosen = try galleryLayers()
        let (indices, selection) = galleryImages(layers: chosen)
        let source = GalleryImageSource(store: store, imagesDirectory: config.imagesDirectory)
        let cols = max(model.grid.last ?? 1, 1)
        // Bigger panels for bigger grids, so a 37x37 grid keeps cells of ~11 px.
        // Panel width grows with the grid (~12 px a cell). A card on a 1400 px page has ~1280 px
        // inside; the input panel is width − 90 wide and each panel adds a 2 px border and a 14 px
        // gap, so input + k panels fit while width ≤ (1368 − 16k) / (k + 1). Shrink a little to keep
        // one column per layer when that stays readable (≥ 330 px).
        var width = min(640, max(330, cols * 12 + 170))
        let fit = (1368 - 16 * chosen.count) / (chosen.count + 1)
        if fit >= 330 && fit < width && width - fit <= 60 { width = fit }
        let height = width - 50, inputWidth = height - 40
        // Side by side (input, then one column per layer: norms above attention) when that fits the
        // page; otherwise one row per layer with its norm and attention panels.
        let wide = inputWidth + 2 + chosen.count * (width + 16) > 1280
        // In the wide layout (a row per layer), the input stays beside the rows when it fits.
        let showAttention = hasReceived
        let inputBeside = showAttention && inputWidth + 2 + 2 * (width + 16) <= 1280
        var cards: [HTML] = []
        var facts: [GalleryImage] = []
        for i in indices {
            let entry = store.images[i]
            let picture = source.load(entry)
            let input = try figures.add(
                ImagePanel(image: picture.image, title: "Model input", subtitle: picture.file == nil ? "placeholder: image not found" : nil,
                           style: figures.style(inputWidth, height)),
                name: String(format: "gallery-%04d-input", i), alt: "Input image \(i)",
                caption: picture.note ?? "The image as the model saw it (see above for how it was resized and cropped).", data: "gallery.images[index=\(i)]")
            var sinkPatches: [[Int]] = [], sinkPrefix: [[Int]] = []
            var norms: [HTML] = [], attention: [HTML] = []
            for l in chosen {
                guard let r = analysis.result(l) else { continue }
                let row = (i * analysis.t)..<((i + 1) * analysis.t)
                let mask = Array(r.mask[row])
                // Only this image's rows are read: the analysis keeps no layer's norms or attention.
                let normRow = try r.norms(store: analysis.store, images: [i])
                let marked = (analysis.p..<analysis.t).filter { mask[$0] != 0 }.map { $0 - analysis.p }
                let prefix = (0..<analysis.p).filter { mask[$0] != 0 }
                sinkPatches.append(marked)
                sinkPrefix.append(prefix)
                let prefixNote = prefix.isEmpty ? "" : analysis.registers == 0
                    ? "; prefix tokens \(prefix.map(String.init).joined(separator: ", ")) are sinks too (not on the grid)"
                    : "; " + prefixRoles(prefix) + " \(prefix.count == 1 ? "is a sink" : "are sinks") too (not on the grid)"
                norms.append(try overlay(values: Array(normRow.dropFirst(analysis.p)), image: picture.image, marked: marked,
                                         title: "Layer \(l): norm", bar: "L2 norm", map: .magma, size: (width, height),
                                         name: String(format: "gallery-%04d-l%02d-norm", i, l),
                                         caption: "Image \(i), layer \(l): L2 norm of each patch token; cyan outlines: \(marked.count) sink\(marked.count == 1 ? "" : "s")" + prefixNote
                                            + clsNote(normRow[...], what: "norm", median: true)
                                            + registersNote(normRow[...], what: "norm", median: true) + "."))
                if let received = try r.received(store: analysis.store, images: [i]) {
                    attention.append(try overlay(values: Array(received.dropFirst(analysis.p)), image: picture.image, marked: marked,
                                                 title: "Layer \(l): received attention", bar: "received (uniform = 1)", map: .viridis,
                                                 size: (width, height), name: String(format: "gallery-%04d-l%02d-attn", i, l),
                                                 caption: "Image \(i), layer \(l): attention each patch token receives (head-mean column sum; 1 is the uniform share); cyan outlines: sinks"
                                                    + clsNote(received[...], what: "received attention", median: false)
                                                    + registersNote(received[...], what: "received attention", median: false) + "."))
                } else {
                    attention.append(.element("div", [], .paragraph("No received attention at layer \(l).", class: "note")))
                }
            }
            let span = wide && inputBeside ? [("style", "grid-row: span \(norms.count)")] : []
            var cells: [HTML] = [.element("div", [("class", "input")] + span, input)]
            if wide {
                // Norm and attention of a layer side by side; without attention, two layers per row.
                for k in norms.indices { cells += [norms[k]] + (showAttention ? [attention[k]] : []) }
            } else {
                cells += norms + (showAttention ? attention : [])
            }
            let columns = wide ? (inputBeside ? 3 : 2) : norms.count + 1
            let layout = "grid-template-columns: repeat(\(columns), max-content)"
            let labels = entry.labels.keys.sorted().map { "\($0) = \(entry.labels[$0] ?? "")" }.joined(separator: ", ")
            let card = HTML.element("h3", [], .text("Image \(i): \(entry.id)"))
                + .paragraph((labels.isEmpty ? "no labels" : labels) + " · source: " + entry.source, class: "labels")
                + .element("div", [("class", wide ? (inputBeside ? "panels wide beside" : "panels wide") : "panels"), ("style", layout)], cells)
            cards.append(.element("div", [("class", "card")], card))
            facts.append(GalleryImage(index: i, id: entry.id, labels: entry.labels, file: picture.file, note: picture.note,
                                      sinkPatches: sinkPatches, sinkPrefixTokens: sinkPrefix))
        }
        var intro = "Images shown: \(selection). Each heatmap colours the \(model.grid.first ?? 0)×\(cols) patch grid at one layer over the model's input "
            + "(colour bar on the right of each panel); cells outlined in cyan are the sinks of method \(analysis.source.method) at that layer. "
            + source.geometryNote
        if analysis.registers > 0 {
            let k = analysis.registers
            intro += " The model's \(k) register token\(k == 1 ? "" : "s") (designed sinks; Darcet et al.) \(k == 1 ? "is" : "are") not on the patch grid "
                + "and never drawn on it; each caption gives \(k == 1 ? "its" : "their mean") norm and received attention beside CLS's."
        }
        let noAttention = chosen.filter { analysis.result($0)?.hasReceived != true }
        if !hasReceived {
            intro += " The store has no received attention, so only norm heatmaps are shown."
        } else if !noAttention.isEmpty {
            intro += " \(Format.layerPhrase(noAttention, in: layers).capitalizedFirst) \(noAttention.count == 1 ? "has" : "have") no received attention (the embedding output has none)."
        }
        let body = HTML.paragraph(intro) + HTML.join(cards)
        return (Page.Section(id: "gallery", heading: "Gallery", body: indices.isEmpty ? .paragraph("The gallery is switched off (--gallery 0).") : body),
                GalleryFacts(layers: chosen, selection: selection, images: facts))
    }

    /// "; CLS (not on the grid): norm 21.3, 1.8× the median patch" for one image's `[T]` values.
    func clsNote(_ values: ArraySlice<Float>, what: String, median: Bool) -> String {
        guard analysis.p > analysis.registers, let cls = values.first else { return "" }
        let patches = values.dropFirst(analysis.p).map(Double.init).sorted()
        guard !patches.isEmpty else { return "" }
        let reference = median ? patches[patches.count / 2] : patches.reduce(0, +) / Double(patches.count)
        return "; CLS (not on the grid): \(what) \(Format.num(Double(cls))), "
            + Format.times(reference > 0 ? Double(cls) / reference : nil) + " the \(median ? "median" : "mean") patch token"
    }

    /// "; registers (not on the grid): mean norm 40.2, 9.1× the median patch token" for one image's
    /// `[T]` values; empty when the model has no registers.
    func registersNote(_ values: ArraySlice<Float>, what: String, median: Bool) -> String {
        let k = analysis.registers
        guard k > 0 else { return "" }
        let start = values.startIndex
        let registers = values[(start + analysis.p - k)..<(start + analysis.p)].map(Double.init)
        let patches = values.dropFirst(analysis.p).map(Double.init).sorted()
        guard !patches.isEmpty else { return "" }
        let mean = registers.reduce(0, +) / Double(k)
        let reference = median ? patches[patches.count / 2] : patches.reduce(0, +) / Double(patches.count)
        return "; \(k == 1 ? "register" : "\(k) registers") (not on the grid): \(k == 1 ? "" : "mean ")\(what) \(Format.num(mean)), "
            + Format.times(reference > 0 ? mean / reference : nil) + " the \(median ? "median" : "mean") patch token"
    }

    /// "CLS and register 2" for sink prefix token indices (on a model with registers).
    func prefixRoles(_ tokens: [Int]) -> String {
        let first = analysis.p - analysis.registers
        let cls = tokens.contains { $0 < first } ? ["CLS"] : []
        let registers = tokens.filter { $0 >= first }.map { "\($0 - first + 1)" }
        let named = registers.isEmpty ? [] : [(registers.count == 1 ? "register " : "registers ") + registers.joined(separator: ", ")]
        return (cls + named).joined(separator: " and ")
    }

    /// A heatmap of `[patches]` values over the image (see `PatchHeatmap`).
    func overlay(values: [Float], image: RGBImage, marked: [Int], title: String, bar: String, map: ColorMap,
                 size: (Int, Int), name: String, caption: String) throws -> HTML {
        try PatchHeatmap(values: values, image: image, grid: (max(model.grid.first ?? 1, 1), max(model.grid.last ?? 1, 1)), marked: marked,
                         title: title, bar: bar, map: map).add(to: figures, size: size, name: name, caption: caption)
    }
}

extension String {
    /// The string with its first letter upper-cased ("layers 0–2" → "Layers 0–2").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
