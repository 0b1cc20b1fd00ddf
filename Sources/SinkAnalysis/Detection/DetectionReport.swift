import Support
import Foundation

/// The result of `sinkscope detect`: one method over the chosen layers of a store.
public struct DetectionReport: Sendable, Codable, Equatable {
    public var store: String
    public var method: String
    public var parameters: [String: String]
    public var includePrefix: Bool
    /// n, T, P of the store.
    public var images: Int
    public var tokens: Int
    public var prefixTokens: Int
    /// Register tokens among the prefix tokens; nil (and absent from JSON) when the model has none.
    public var registers: Int?
    /// Store key written for each layer (`sink.{method}.{l}`), empty when nothing was written.
    public var writtenKeys: [String]
    public var layers: [LayerDetection]

    public init(
        store: String, method: String, parameters: [String: String], includePrefix: Bool, images: Int, tokens: Int,
        prefixTokens: Int, writtenKeys: [String], layers: [LayerDetection], registers: Int = 0
    ) {
        self.registers = registers > 0 ? registers : nil
        self.store = store; self.method = method; self.parameters = parameters; self.includePrefix = includePrefix
        self.images = images; self.tokens = tokens; self.prefixTokens = prefixTokens
        self.writtenKeys = writtenKeys; self.layers = layers
    }

    /// Pretty-printed JSON with sorted keys (stable for scripts and diffs).
    public func json() throws -> String {
        let encoder = JSONCoding.encoder()
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

// MARK: - Table

extension DetectionReport {
    /// The per-layer table printed by `detect`: threshold, sinks per image, their norm and received
    /// attention relative to the other patches, CLS as attention sink, top dimensions.
    public func table() -> String {
        let params = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var lines = [
            "\(store): method \(method) (\(params)); n=\(images) images, T=\(tokens) tokens (\(prefixTokens) prefix"
                + (registers.map { ", of them \($0) register\($0 == 1 ? "" : "s")" } ?? "") + ")",
            pad(["layer", "threshold", "sinks/img", "min", "max", "norm×", "attn×", "CLS norm×", "CLS attn×", "CLS sink",
                 "CLS meets"] + (registers == nil ? [] : ["reg norm×", "reg attn×"]) + (windowed ? ["attention"] : []) + ["dims"]),
        ]
        for l in layers {
            let cls = l.cls
            let reg = registers == nil ? [] : [f(l.registers?.normRatio), f(l.registers?.receivedRatio)]
            lines.append(pad([
                "\(l.layer)", thresholdText(l), f(l.sinks.meanPerImage), "\(l.sinks.minPerImage)", "\(l.sinks.maxPerImage)",
                f(l.normRatio), f(l.receivedRatio), f(cls?.normRatio), f(cls?.receivedRatio),
                l.clsIsAttentionSink.map { $0 ? "yes" : "no" } ?? "-", f(cls?.criterionShare),
            ] + reg + (windowed ? [l.attention?.rawValue ?? "-"] : []) + [dimsText(l)]))
        }
        lines.append("norm× / attn×: median norm / mean received attention of sinks ÷ the other patch tokens; "
            + "CLS norm× / attn×: CLS ÷ the image's median patch norm / mean patch received; "
            + "CLS sink: CLS is the top receiver in ≥ half the images; CLS meets: share of images where CLS meets the "
            + "criterion (\(includePrefix ? "included in the masks" : "not in the masks"))"
            + (registers == nil ? "" : "; reg norm× / attn×: the same for the register tokens, averaged over the registers "
                + "(designed sinks, Darcet et al.; never counted among the patch tokens)")
            + (windowed ? "; attention: the block that wrote the layer attends in full or within windows (a windowed "
                + "layer's tokens are attended only from their own window, so its attn× and attention sinks are not comparable "
                + "with a full layer's)" : "")
            + (layers.contains { $0.thresholdSource == "calibrated" } ? "; *: threshold calibrated on this layer." : "."))
        for l in layers {
            for r in l.prefix where r.role != "cls" {
                lines.append("\(r.role) at layer \(l.layer): norm× \(f(r.normRatio)), attn× \(f(r.receivedRatio)), "
                    + "top receiver in \(f(r.topReceiverShare)) of images, meets the criterion in \(f(r.criterionShare))")
            }
        }
        for l in layers {
            for note in l.notes { lines.append("note: \(note)") }
        }
        if !writtenKeys.isEmpty {
            lines.append("wrote \(writtenKeys.count) masks: \(writtenKeys.first ?? "") … \(writtenKeys.last ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    private func thresholdText(_ l: LayerDetection) -> String {
        switch l.thresholdSource {
        case "rank": return "top-k"
        case "none": return "none"
        default: return (l.threshold.map { String(format: "%.4g", $0) } ?? "-") + (l.thresholdSource == "calibrated" ? "*" : "")
        }
    }

    private func dimsText(_ l: LayerDetection) -> String {
        if !l.dimensions.isEmpty { return l.dimensions.prefix(4).map { "\($0.dimension)" }.joined(separator: ",") }
        if !l.topSinkDimensions.isEmpty {
            return l.topSinkDimensions.prefix(3).map { "\($0.dimension)(" + String(format: "%.3g", $0.ratio) + "×)" }.joined(separator: ",")
        }
        return "-"
    }

    /// Some layer was written by a windowed block: the table gets an "attention" column.
    private var windowed: Bool { layers.contains { $0.attention != nil } }

    private func f(_ x: Double?) -> String { x.map { String(format: "%.3g", $0) } ?? "-" }

    private func pad(_ cells: [String]) -> String {
        let widths = [5, 10, 9, 4, 4, 7, 7, 9, 9, 8, 9] + (registers == nil ? [] : [9, 9]) + (windowed ? [9] : []) + [0]
        return zip(cells, widths).map { c, w in c.count >= w ? c : c + String(repeating: " ", count: w - c.count) }
            .joined(separator: " ")
    }
}
