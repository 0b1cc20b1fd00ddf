import Support
import Foundation
import TensorFiles

/// What `sinkscope import` was asked to do.
public struct ImportOptions: Sendable {
    /// Dump files, concatenated along the image axis.
    public var inputs: [URL]
    /// The store directory to write.
    public var output: URL
    /// Optional labels.csv.
    public var labels: URL?
    /// Store whole attention maps `attn.{l}` besides received attention.
    public var keepAttention = false
    /// CLS + register tokens; inferred when nil (see `TokenLayout`).
    public var prefixTokens: Int?
    /// `[rows, cols]`; inferred when nil.
    public var grid: [Int]?
    /// Model name in the manifest; the first input's file name when nil.
    public var modelName: String?
    public var patchSize = 0
    public var imageSize = 0
    public var hiddenDType: DType = .f16
    public var imagesPerShard = 64
    /// Append to an existing store, skipping image ids it already holds.
    public var resume = false
    /// Replace an existing store (built aside and swapped in only when complete).
    public var overwrite = false
    public var showProgress = true

    public init(inputs: [URL], output: URL) {
        self.inputs = inputs
        self.output = output
    }
}

/// What an import did (printed by the CLI, as JSON with `--json`).
public struct ImportSummary: Codable, Sendable, Equatable {
    public var store: String
    public var model: ModelInfo
    public var imported: Int
    public var skipped: Int
    public var totalImages: Int
    public var capturedLayers: [Int]
    public var receivedLayers: [Int]
    public var attentionLayers: [Int]
    public var shards: Int
    public var hiddenDType: DType

    enum CodingKeys: String, CodingKey {
        case store, model, imported, skipped, shards
        case totalImages = "total_images"
        case capturedLayers = "captured_layers"
        case receivedLayers = "received_layers"
        case attentionLayers = "attention_layers"
        case hiddenDType = "hidden_dtype"
    }
}

/// Turns dumps of hidden states (PyTorch / HF `output_hidden_states`) into a store.
public enum Importer {
    /// The manifest note recording how HF attentions map to store layers.
    public static let attentionNote = "import: HF attentions[i] (attention inside block i+1) is stored as received.{i+1} / attn.{i+1}; there is no received.0"

    /// Reads every input, checks they agree, then streams image by image into the store.
    /// - Throws: `StoreError` / `TensorFileError` naming the file and the problem; nothing is
    ///   committed unless every image was written.
    public static func run(_ options: ImportOptions) throws -> ImportSummary {
        guard let firstURL = options.inputs.first else { throw StoreError.importFailed(file: options.output.path, problem: "no input files were given") }
        guard !(options.resume && options.overwrite) else {
            throw StoreError.importFailed(file: options.output.path, problem: "resume and overwrite exclude each other")
        }
        let dumps = try options.inputs.map(DumpFile.init(url:))
        let plan = try ImportPlan(dumps: dumps, options: options)
        var entries = plan.imageEntries
        if let labels = options.labels { entries = try LabelsTable(url: labels).apply(to: entries) }
        let model = ModelInfo(
            name: options.modelName ?? firstURL.deletingPathExtension().lastPathComponent, architecture: "imported",
            patchSize: options.patchSize, imageSize: options.imageSize, hiddenSize: plan.dim, heads: plan.heads,
            layers: plan.blocks, prefixTokens: plan.layout.prefixTokens, grid: plan.layout.grid)
        let replacing = options.overwrite && FileManager.default.fileExists(atPath: options.output.appendingPathComponent(StoreKeys.manifest).path)
        let destination = replacing ? StoreReplacement.staging(for: options.output) : options.output
        defer { if replacing { try? FileManager.default.removeItem(at: destination) } }
        let writer = try StoreWriter(url: destination, model: model, layers: plan.layers, hiddenDType: options.hiddenDType,
                                     imagesPerShard: options.imagesPerShard, keepAttention: options.keepAttention, resume: options.resume)
        if plan.heads > 0 { writer.addNote(attentionNote) }
        let skip = writer.storedImageIDs
        let bar = ProgressBar(total: entries.count, unit: "images", label: "import", enabled: options.showProgress)
        var index = 0, imported = 0
        for dump in dumps {
            for i in 0..<dump.images {
                defer { index += 1; bar.advance() }
                let entry = entries[index]
                if skip.contains(entry.id) { continue }
                try writer.append(try activations(dump, image: i, entry: entry, layers: plan.layers, keepAttention: options.keepAttention))
                imported += 1
            }
        }
        try writer.commit()
        bar.finish()
        if replacing { try StoreReplacement.replace(options.output, with: destination) }
        let manifest = try StoreReader(url: options.output).manifest
        return ImportSummary(store: options.output.path, model: model, imported: imported, skipped: entries.count - imported,
                             totalImages: manifest.images.count, capturedLayers: manifest.capturedLayers,
                             receivedLayers: manifest.receivedLayers, attentionLayers: manifest.attentionLayers,
                             shards: manifest.shards.count, hiddenDType: manifest.hiddenDType)
    }

    /// One image's hidden states, and its attention mapped from HF block order to store layers.
    static func activations(_ dump: DumpFile, image i: Int, entry: ImageEntry, layers: [Int], keepAttention: Bool) throws -> ImageActivations {
        var hidden: [Int: [Float]] = [:]
        for l in layers { hidden[l] = try dump.hidden(layer: l, image: i) }
        guard dump.attentions != nil else { return ImageActivations(image: entry, hidden: hidden) }
        var received: [Int: [Float]] = [:], attention: [Int: [Float]] = [:]
        for block in 0..<dump.attentionBlocks {
            let a = try dump.attention(block: block, image: i)
            received[block + 1] = ReceivedAttention.compute(a, heads: dump.heads, tokens: dump.tokens)
            if keepAttention { attention[block + 1] = a }
        }
        return ImageActivations(image: entry, hidden: hidden, received: received, attention: keepAttention ? attention : nil)
    }
}
