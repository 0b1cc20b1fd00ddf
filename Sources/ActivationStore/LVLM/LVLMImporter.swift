import Support
import Foundation
import TensorFiles

/// Turns LVLM dumps (ViT patch states + the LLM's attention and hidden states at the visual
/// positions) into a store: the ViT side as ordinary store tensors (so `detect` works on it), the
/// LLM side in `llm-{shard}.safetensors` files listed in the manifest's `lvlm` section.
///
///     var options = LVLMImportOptions(inputs: [URL(fileURLWithPath: "llava.npz")], output: store)
///     let summary = try LVLMImporter.run(options)
///
/// The store is built in a hidden sibling directory and moved into place only when complete, so a
/// failed import leaves nothing (or, with `overwrite`, the old store) behind.
public enum LVLMImporter {
    public static func run(_ options: LVLMImportOptions) throws -> LVLMImportSummary {
        guard let firstURL = options.inputs.first else { throw StoreError.importFailed(file: options.output.path, problem: "no input files were given") }
        guard options.hiddenDType == .f16 || options.hiddenDType == .f32 else {
            throw StoreError.invalidModel(problem: "hidden states are stored as F16 or F32, not \(options.hiddenDType.rawValue)")
        }
        let dumps = try options.inputs.map { try LVLMDumpFile(url: $0, vitLayer: options.vitLayer, vitBlocks: options.vitBlocks) }
        try checkAgreement(dumps)
        let first = dumps[0]
        let layout = try TokenLayout.resolve(tokens: first.vitTokens, prefixTokens: first.vitTokens - first.patches, grid: options.grid ?? first.vitGrid, file: firstURL.path)
        let hiddenLayers = try chooseHiddenLayers(options.llmLayers, first: first)
        let receivedLayers = first.received == nil ? [] : Array(1...first.llmBlocks)
        let name = options.name ?? first.name ?? firstURL.deletingPathExtension().lastPathComponent
        var entries: [ImageEntry] = []
        for d in dumps { for i in 0..<d.images { entries.append(ImageEntry(id: d.ids?[i] ?? String(entries.count), source: d.url.path)) } }
        var seen = Set<String>()
        for e in entries where !seen.insert(e.id).inserted { throw StoreError.duplicateImage(id: e.id) }
        if let labels = options.labels { entries = try LabelsTable(url: labels).apply(to: entries) }
        let model = ModelInfo(name: "\(name) vision tower", architecture: "imported", patchSize: 0, imageSize: 0, hiddenSize: first.vitDim,
                              heads: 0, layers: first.vitBlocks, prefixTokens: layout.prefixTokens, grid: layout.grid)
        let replacing = try checkDestination(options)

        let b = options.hiddenDType.byteSize
        let bytesPerImage = first.vitLayers.count * first.vitTokens * first.vitDim * b + hiddenLayers.count * first.visualTokens * first.llmDim * b
            + receivedLayers.count * first.visualTokens * 4
        let perShard = max(1, min(options.maxImagesPerShard, options.shardBytes / max(bytesPerImage, 1)))
        let staging = StoreReplacement.staging(for: options.output)
        defer { try? FileManager.default.removeItem(at: staging) }
        let writer = try StoreWriter(url: staging, model: model, layers: first.vitLayers, hiddenDType: options.hiddenDType, imagesPerShard: perShard)
        writer.addNote("import --lvlm: hidden.\(first.vitLayer) holds the ViT states the LVLM '\(name)' feeds to its LLM (patch tokens)")
        if !receivedLayers.isEmpty {
            writer.addNote("import --lvlm: LLM attention entry i (inside block i+1) is stored as llm.received.{i+1}, at the visual positions only")
        }
        if let unknown = dumps.first(where: { !$0.sequenceLengthsKnown }) {
            writer.addNote("import --lvlm: \(unknown.url.lastPathComponent) gives no LLM sequence length (no attention, no llm_hidden_states, no sequence_lengths); llm.sequence_length holds each image's last visual position + 1")
        }
        let mapWidth = dumps.map { $0.tokenMap?.width ?? 0 }.max() ?? 0
        let decodedLayers = first.decoded?.layers ?? [], topK = first.decoded?.topK ?? 0
        let newBuffer = {
            var buffer = LLMShardBuffer(patches: first.visualTokens, dim: first.llmDim, hiddenLayers: hiddenLayers, receivedLayers: receivedLayers,
                                        hiddenDType: options.hiddenDType)
            (buffer.mapWidth, buffer.decodedLayers, buffer.topK) = (mapWidth, decodedLayers, topK)
            return buffer
        }
        var buffer = newBuffer()
        var files: [String] = []
        func flush() throws {
            guard buffer.count > 0 else { return }
            let file = StoreKeys.llmFile(files.count)
            try SafetensorsWriter.write(try buffer.tensors(), metadata: ["format": Manifest.formatName, "lvlm": name], to: staging.appendingPathComponent(file))
            files.append(file)
            buffer = newBuffer()
        }
        let bar = ProgressBar(total: entries.count, unit: "images", label: "import --lvlm", enabled: options.showProgress)
        var index = 0
        for dump in dumps {
            for i in 0..<dump.images {
                var vit: [Int: [Float]] = [:], hidden: [Int: [Float]] = [:], received: [Int: [Float]] = [:]
                for l in dump.vitLayers { vit[l] = try dump.vitHidden(layer: l, image: i) }
                for l in hiddenLayers { hidden[l] = try dump.llmHidden(layer: l, image: i) }
                for l in receivedLayers { received[l] = try dump.received(block: l - 1, image: i) }
                try writer.append(ImageActivations(image: entries[index], hidden: vit))
                buffer.add(hidden: hidden, received: received, positions: dump.positions[(i * dump.visualTokens)..<((i + 1) * dump.visualTokens)],
                           length: dump.sequenceLengths[i], queryCount: dump.sequenceLengths[i] - dump.queryStart[i])
                var decoded: [Int: (ids: [Int64], probs: [Float])] = [:]
                if let d = dump.decoded { for (e, l) in d.layers.enumerated() { decoded[l] = try d.image(i, entry: e, url: dump.url) } }
                buffer.addExtras(tokenPatches: dump.tokenMap.map { Self.padded($0, image: i, width: mapWidth) } ?? [], decoded: decoded)
                if buffer.count == perShard { try flush() }
                index += 1
                bar.advance()
            }
        }
        try flush()
        var wordsFile: String?
        if !decodedLayers.isEmpty {
            var words: [String: String] = [:]
            for d in dumps { for (id, w) in d.decoded?.vocabulary ?? [:] where words[String(id)] == nil { words[String(id)] = w } }
            let data = try JSONCoding.encoder().encode(LLMWords(words: words))
            try data.write(to: staging.appendingPathComponent(StoreKeys.llmWords))
            wordsFile = StoreKeys.llmWords
        }
        try writer.commit()
        bar.finish()

        var manifest = try Manifest.read(store: staging)
        guard manifest.shards.count == files.count, manifest.shards.allSatisfy({ $0.count == perShard || $0 == manifest.shards.last }) else {
            throw StoreError.writeFailed(path: staging.path, reason: "the LLM files do not line up with the shards")
        }
        var info = LVLMInfo(
            name: name, visionLayer: first.vitLayer, visualTokens: first.visualTokens, llmLayers: first.llmBlocks, llmHiddenSize: first.llmDim,
            llmHeads: first.llmHeads, llmHiddenLayers: hiddenLayers, llmReceivedLayers: receivedLayers, llmHiddenDType: options.hiddenDType,
            receivedSource: first.received.map { if case .attentions = $0 { return "llm_attentions" } else { return "llm_attention_received" } } ?? "none",
            files: files)
        info.family = first.family
        info.tokenMerge = first.tokenMerge
        info.tokenPatchWidth = mapWidth > 0 ? mapWidth : nil
        if !decodedLayers.isEmpty { (info.decodedLayers, info.decodedTopK, info.wordsFile) = (decodedLayers, topK, wordsFile) }
        manifest.lvlm = info
        try manifest.write(store: staging)
        try moveIntoPlace(staging, options.output, replacing: replacing)
        return LVLMImportSummary(store: options.output.path, model: model, lvlm: info, imported: entries.count, shards: files.count,
                                 capturedLayers: manifest.capturedLayers, hiddenDType: options.hiddenDType)
    }

    /// Image `i`'s map rows widened to `width` with -1.
    static func padded(_ map: VisualTokenMap, image i: Int, width: Int) -> [Int] {
        (0..<map.tokens).flatMap { t -> [Int] in
            let start = (i * map.tokens + t) * map.width
            return Array(map.values[start..<(start + map.width)]) + [Int](repeating: -1, count: width - map.width)
        }
    }

    // MARK: - Checks

    /// All files must describe the same ViT and LLM (S may differ).
    static func checkAgreement(_ dumps: [LVLMDumpFile]) throws {
        let a = dumps[0]
        for d in dumps.dropFirst() {
            func same(_ what: String, _ x: [Int], _ y: [Int]) throws {
                guard x == y else {
                    throw StoreError.importFailed(file: d.url.path, problem: "its \(what) \(y) differ from \(x) in \(a.url.lastPathComponent); all inputs must come from the same LVLM and layers")
                }
            }
            try same("visual tokens, ViT patches, ViT tokens and dim", [a.visualTokens, a.patches, a.vitTokens, a.vitDim],
                     [d.visualTokens, d.patches, d.vitTokens, d.vitDim])
            try same("token map (present) and decoded layers", [a.tokenMap == nil ? 0 : 1] + (a.decoded?.layers ?? []) + [a.decoded?.topK ?? 0],
                     [d.tokenMap == nil ? 0 : 1] + (d.decoded?.layers ?? []) + [d.decoded?.topK ?? 0])
            try same("ViT layers", a.vitLayers + [a.vitLayer], d.vitLayers + [d.vitLayer])
            try same("LLM blocks, dim and heads", [a.llmBlocks, a.llmDim, a.llmHeads], [d.llmBlocks, d.llmDim, d.llmHeads])
            try same("LLM hidden layers", a.llmHiddenLayers, d.llmHiddenLayers)
            try same("LLM arrays present (attention, hidden)", [a.received == nil ? 0 : 1, a.llmHidden == nil ? 0 : 1],
                     [d.received == nil ? 0 : 1, d.llmHidden == nil ? 0 : 1])
        }
    }

    static func chooseHiddenLayers(_ requested: [Int]?, first: LVLMDumpFile) throws -> [Int] {
        guard first.llmHidden != nil else {
            if let requested, !requested.isEmpty {
                throw StoreError.importFailed(file: first.url.path, problem: "LLM layers \(requested) were asked for but the dump has no LLM hidden states")
            }
            return []
        }
        let all = first.llmHiddenLayers
        guard let requested else { return all }
        let chosen = Array(Set(requested)).sorted()
        if let bad = chosen.first(where: { !all.contains($0) }) {
            throw StoreError.importFailed(file: first.url.path, problem: "LLM layer \(bad) is not among the dump's hidden states (layers \(all.map(String.init).joined(separator: ", ")))")
        }
        return chosen
    }

    /// True when an existing store will be replaced; throws when something else is in the way.
    static func checkDestination(_ options: LVLMImportOptions) throws -> Bool {
        let fm = FileManager.default, path = options.output.path
        guard fm.fileExists(atPath: path) else { return false }
        if fm.fileExists(atPath: options.output.appendingPathComponent(StoreKeys.manifest).path) {
            guard options.overwrite else { throw StoreError.storeExists(path: path) }
            return true
        }
        let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? ["?"]
        guard contents.isEmpty else { throw StoreError.writeFailed(path: path, reason: "it exists and is not an empty directory or a store") }
        return false
    }

    static func moveIntoPlace(_ staging: URL, _ target: URL, replacing: Bool) throws {
        if replacing { return try StoreReplacement.replace(target, with: staging) }
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }  // an empty directory (checked)
            try fm.moveItem(at: staging, to: target)
        } catch {
            throw StoreError.writeFailed(path: target.path, reason: "cannot move the new store into place: \(error.localizedDescription)")
        }
    }
}

/// `llm-words.json`: the string of every vocabulary id the logit lens kept.
public struct LLMWords: Codable, Sendable {
    public var format = "sinkscope-llm-words"
    /// Vocabulary id (as a string key) → its decoded string.
    public var words: [String: String]
}
