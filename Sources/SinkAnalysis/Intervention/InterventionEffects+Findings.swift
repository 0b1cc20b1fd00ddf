import Foundation

extension InterventionEffects {
    /// Plain sentences about the intervention, each written from the numbers in this file (so a
    /// report, a notebook or a test quotes the same values): what was done, what the final output
    /// kept, where the other patch tokens drifted most, where freed attention went, how the norms moved.
    public var findings: [String] {
        var out = ["\(Self.verb(intervention)) \(tokens) at \(Self.layerList(at)) on \(images) image\(images == 1 ? "" : "s")."]
        let cls = final.clsCosine.map { "a CLS cosine of \(Self.fixed($0)) and " } ?? "a "
        out.append("The final output keeps \(cls)a pooled-patch cosine of \(Self.fixed(final.pooledCosine)) with the clean run "
                   + "(relative change \(Self.fixed(final.relativeChange))).")
        if let worst = layers.min(by: { $0.otherPatchesCosine < $1.otherPatchesCosine }), let last = layers.last {
            out.append(worst.otherPatchesCosine > 0.9999
                ? "The other patch tokens stay as they were on every layer (cosine above 0.9999)."
                : "The other patch tokens drift most at layer \(worst.layer) (cosine \(Self.fixed(worst.otherPatchesCosine)) with the clean run); "
                    + "at layer \(last.layer) their cosine is \(Self.fixed(last.otherPatchesCosine)).")
        }
        let shifts = layers.compactMap { e in e.attention.map { (layer: e.layer, shift: $0) } }.filter { $0.shift.freed > 1e-6 }
        if let top = shifts.max(by: { $0.shift.freed < $1.shift.freed }) {
            let s = top.shift
            var parts: [String] = []
            if let c = s.toCls, !selectsCLS { parts.append("\(Self.percent(c)) to CLS") }
            if let r = s.toRegisters, !selectsRegisters { parts.append("\(Self.percent(r)) to registers") }
            parts.append("\(Self.percent(s.toOtherSinks)) to other sinks")
            parts.append("\(Self.percent(s.toOrdinaryPatches)) to ordinary patches")
            out.append("The selected tokens lose the most received attention at layer \(top.layer) (\(Self.fixed(s.selected.clean)) → "
                       + "\(Self.fixed(s.selected.intervened)) per image); of the attention freed there, " + parts.joined(separator: ", ") + ".")
        } else if layers.contains(where: { $0.attention != nil }) {
            out.append("No layer frees attention from the selected tokens.")
        }
        if let moved = layers.max(by: { Self.relative($0.p99PatchNorm) < Self.relative($1.p99PatchNorm) }), Self.relative(moved.p99PatchNorm) > 1e-4 {
            out.append("The 99th-percentile patch norm changes most at layer \(moved.layer): \(Self.fixed(moved.p99PatchNorm.clean)) → "
                       + "\(Self.fixed(moved.p99PatchNorm.intervened)) (mean over images).")
        }
        return out
    }

    /// Whether the selection holds CLS / every register, so "freed attention going to" them means nothing.
    public var selectsCLS: Bool { tokens == "cls" || tokens == "prefix" }
    public var selectsRegisters: Bool { tokens == "registers" || tokens == "prefix" }

    static func verb(_ kind: String) -> String {
        switch kind {
        case "zero": return "Zeroing"
        case "mean": return "Mean-replacing"
        case "knockout": return "Knocking out (as keys)"
        case "none": return "Re-running without intervention"
        default: return "Intervening (\(kind)) on"
        }
    }

    /// "layers 1–11", "layer 3", "layers 1, 4, 7".
    public static func layerList(_ layers: [Int]) -> String {
        guard let first = layers.first, let last = layers.last else { return "no layer" }
        if layers.count == 1 { return "layer \(first)" }
        if layers == Array(first...last) { return "layers \(first)–\(last)" }
        return "layers " + layers.map(String.init).joined(separator: ", ")
    }

    static func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }
    static func relative(_ c: Change) -> Double { abs(c.intervened - c.clean) / max(abs(c.clean), 1e-12) }
}
