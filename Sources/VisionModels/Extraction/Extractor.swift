import Images
import Support
import ActivationStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LinearAlgebra
import TensorFiles

/// Runs a model over images and streams the activations into a store.
///
///     let summary = try Extractor.run(ExtractionConfig(model: "dinov2-small", images: photos, output: store))
///
/// Batches of `batchSize` images are decoded (the first in parallel, each later one on a thread of
/// its own beside the previous forward: `BatchPrefetcher`), run through the forward pass, and
/// appended to a `StoreWriter` on a thread of its own (`BackgroundStoreWriter`: batch k is written
/// while batch k + 1 runs), which writes a shard every `imagesPerShard` images; the manifest is
/// committed after every shard. Memory therefore holds two batches and one shard, whatever the
/// number of images. Rerunning into the same store resumes: images whose id is already stored are skipped.
public enum Extractor {
    public static func run(_ config: ExtractionConfig) throws -> ExtractionSummary {
        let start = Date()
        if let size = config.batchSize, size < 1 { throw ModelError.badInput(reason: "the batch size \(size) must be at least 1") }
        guard config.threads >= 1 else { throw ModelError.badInput(reason: "the thread count \(config.threads) must be at least 1") }
        BLASThreads.set(config.threads)
        fixAllocatorThreshold()

        let folder = try ModelResolver(cache: config.cache).resolve(config.model)
        let model = try folder.load(threads: config.threads)
        let spec = model.spec
        let layers = config.layers ?? Array(0...spec.layers)
        if let bad = layers.first(where: { !(0...spec.layers).contains($0) }) {
            throw ModelError.badInput(reason: "layer \(bad) does not exist; \(spec.architecture) has hidden states 0...\(spec.layers)")
        }
        let pipeline = ImagePipeline(preprocessor: try preprocessor(folder: folder, model: model, requested: config.imageSize))
        guard let size = pipeline.preprocessor.targetSize else {
            throw ModelError.badInput(reason: "the preprocessing of \(folder.url.path) has no fixed output size (no crop or exact resize), so images would give different token counts")
        }
        _ = try model.positionEmbeddings(gridRows: size.height / spec.patchSize, gridCols: size.width / spec.patchSize)
        try config.intervention?.prepare(model: model, tokens: model.tokens(height: size.height, width: size.width))

        var entries = try ImageSource(path: config.images).items.map { ImageEntry(id: $0.id, source: $0.url.path) }
        if let labels = config.labels { entries = try LabelsTable(url: labels).apply(to: entries) }
        var origin = config.shard.map { ShardOrigin(spec: $0, listIDs: entries.map(\.id)) }
        if let origin { entries = Array(entries[origin.positionRange]) }

        var info = ModelInfo(
            name: config.model == ModelResolver.builtInName ? config.model : folder.url.lastPathComponent,
            architecture: spec.architecture, patchSize: spec.patchSize, imageSize: size.height, hiddenSize: spec.hiddenSize,
            heads: spec.heads, layers: spec.layers, prefixTokens: spec.prefixTokens,
            grid: [size.height / spec.patchSize, size.width / spec.patchSize])
        info.registers = spec.embedding.prefix.registers
        info.lvlm = try folder.readLVLM()?.info(layers: spec.layers, prefix: spec.prefixTokens, grid: info.grid, path: folder.configURL.path)
        info.tokenOrder = QwenTokenOrder.record(for: spec, gridRows: info.grid[0], gridCols: info.grid[1], merges: model.merger != nil)
        var preprocessing = pipeline.preprocessor.manifestEntry
        preprocessing["model_folder"] = folder.url.path
        if FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("conversion.json").path) {
            preprocessing["weights"] = "converted, see \(folder.url.appendingPathComponent("conversion.json").path)"
        }
        let batchSize = config.batchSize ?? ExtractionConfig.automaticBatchSize(tokens: info.tokens)
        let perShard = config.imagesPerShard ?? shardSize(info: info, layers: layers.count, config: config, batch: batchSize)
        let existed = FileManager.default.fileExists(atPath: config.output.appendingPathComponent(StoreKeys.manifest).path)
        let writer = try StoreWriter(
            url: config.output, model: info, layers: layers, hiddenDType: config.hiddenDType, imagesPerShard: perShard,
            keepAttention: config.keepAttention, preprocessing: preprocessing, resume: true)

        if let merger = model.merger, writer.imageCount == 0 || writer.mergedShape != nil {
            // What the LLM receives, stored as `merged` [n, M, D_llm] (a store extracted before this existed keeps none).
            writer.mergedShape = MergedTokens(tokens: info.grid[0] / merger.merge * (info.grid[1] / merger.merge), hiddenSize: merger.fc2.outputs)
        }
        if existed { try checkShardResume(writer.shardOrigin, origin, store: config.output) }
        writer.shardOrigin = origin

        let stored = writer.storedImageIDs
        let pending = entries.filter { !stored.contains($0.id) }
        let capture = CaptureRequest(
            hiddenLayers: Set(layers), received: config.receivedAttention,
            attentionLayers: config.keepAttention ? Set(1...spec.layers) : [], merged: writer.mergedShape != nil,
            values: config.captureValues)
        let runCapture = config.intervention.map { capture.union($0.intervenedCapture) } ?? capture
        let bar = ProgressBar(total: pending.count, unit: "images", label: "extract", enabled: config.progress)
        var skipped: [SkippedImage] = []
        var sinceCommit = 0
        var extracted = 0
        let background = BackgroundStoreWriter(writer)
        let prefetcher = BatchPrefetcher(pipeline: pipeline)
        defer { prefetcher.wait() }
        func pendingBatch(from start: Int) -> [ImageEntry] { Array(pending[start..<min(start + batchSize, pending.count)]) }

        do {
            for batchStart in stride(from: 0, to: pending.count, by: batchSize) {
                let batch = pendingBatch(from: batchStart)
                // The first batch is decoded on every worker; each later one was decoded beside the previous forward.
                let decoded = batchStart == 0 ? decode(batch, pipeline: pipeline, threads: config.threads) : prefetcher.take()
                if batchStart + batchSize < pending.count { prefetcher.start(pendingBatch(from: batchStart + batchSize)) }
                var good: [ImageEntry] = []
                var pixels: [Float] = []
                for (entry, result) in zip(batch, decoded) {
                    switch result {
                    case .success(let x):
                        good.append(entry)
                        pixels += x
                    case .failure(let error):
                        guard config.skipBad, error.isBadImageFile else { throw error }
                        skipped.append(SkippedImage(id: entry.id, error: error))
                        origin?.skipped.append(entry.id)
                        try background.drain()
                        writer.shardOrigin = origin
                        bar.advance()
                    }
                }
                guard !good.isEmpty else { continue }
                var hooks = ForwardHooks(), clean: [ImageCapture] = []
                if let intervention = config.intervention {
                    clean = try model.forward(
                        pixels: pixels, images: good.count, height: size.height, width: size.width,
                        capture: intervention.cleanCapture, threads: config.threads)
                    hooks = try intervention.hooks(batch: good, clean: clean)
                }
                let captures = try model.forward(
                    pixels: pixels, images: good.count, height: size.height, width: size.width, capture: runCapture,
                    threads: config.threads, hooks: hooks)
                try config.intervention?.observe(batch: good, clean: clean, intervened: captures)
                var written: [ImageActivations] = []
                for (entry, c) in zip(good, captures) {
                    var activations = ImageActivations(
                        image: entry, hidden: runCapture == capture ? c.hidden : c.hidden.filter { capture.hiddenLayers.contains($0.key) },
                        received: config.receivedAttention ? c.received : nil,
                        attention: config.keepAttention ? c.attention : nil,
                        valueNorms: config.captureValues ? c.valueNorms : nil, valueOutputs: config.captureValues ? c.valueOutputs : nil,
                        extraHidden: c.extra.map { e in e.hidden.filter { capture.hiddenLayers.contains($0.key) } })
                    activations.merged = capture.merged ? c.merged : nil
                    written.append(activations)
                }
                // Once a shard's worth of images is in, checkpoint the manifest so an interrupted run resumes from there.
                sinceCommit += good.count
                let checkpoint = sinceCommit >= perShard
                if checkpoint { sinceCommit = 0 }
                // The last batch's encoding has no forward to hide behind: give it every worker.
                let last = batchStart + batchSize >= pending.count
                try background.submit(written, commitAfter: checkpoint, encodingThreads: last ? config.threads : 1)
                extracted += good.count
                bar.advance(good.count)
            }
            try background.drain()
            try writer.commit()
        } catch {
            // Keep every complete image of this run (so a rerun resumes), then report the error.
            try? background.drain()
            try? writer.commit()
            bar.finish()
            throw error
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        return ExtractionSummary(
            store: config.output.path, model: info.name, architecture: spec.architecture, layers: layers.sorted(), tokens: info.tokens,
            hiddenSize: spec.hiddenSize, extracted: extracted, alreadyStored: entries.count - pending.count,
            storeImages: writer.imageCount, skipped: skipped, seconds: seconds,
            imagesPerSecond: seconds > 0 ? Double(extracted) / seconds : 0, peakResidentMiB: peakResidentMiB())
    }

    /// A store resumed by `extract --shard I/N` must be the same shard of the same list (and a
    /// store made without `--shard` cannot be resumed as a shard, or the other way round).
    static func checkShardResume(_ stored: ShardOrigin?, _ requested: ShardOrigin?, store: URL) throws {
        func refuse(_ problem: String) -> StoreError { .incompatibleResume(path: store.path, problem: problem) }
        switch (stored, requested) {
        case (nil, nil):
            return
        case (nil, let r?):
            throw refuse("it was not made with --shard, so it cannot hold shard \(r.index)/\(r.count); choose another --out")
        case (let s?, nil):
            throw refuse("it holds shard \(s.index)/\(s.count) of a list; pass --shard \(s.index)/\(s.count) to resume it")
        case (let s?, let r?):
            guard s.index == r.index, s.count == r.count else {
                throw refuse("it holds shard \(s.index)/\(s.count), not \(r.index)/\(r.count)")
            }
            guard s.listImages == r.listImages, s.listHash == r.listHash else {
                throw refuse("it was made from a list of \(s.listImages) images (hash \(s.listHash)) but the images now form a list of \(r.listImages) (hash \(r.listHash)); every task of a run must see the same list")
            }
        }
    }

    /// Keeps glibc from raising its mmap threshold as large buffers are freed (its default, dynamic
    /// behaviour): otherwise each batch's multi-megabyte buffers end up in fragmented heap arenas and
    /// peak memory creeps up with the number of images (measured: 284 → 317 MiB for 50 → 200 images;
    /// 260 → 263 MiB with the threshold fixed at 1 MiB). No effect on other platforms.
    static func fixAllocatorThreshold() {
        #if canImport(Glibc)
        // <malloc.h> is not in Swift's Glibc module: look mallopt up (M_MMAP_THRESHOLD is -3 there).
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(symbol, to: MallOpt.self)(-3, 1 << 20)
        }
        #endif
    }

    /// Decodes and preprocesses a batch, `threads` files at a time, each worker taking the next file
    /// when it is free (photos differ in size by 10x); one result per entry, in order.
    static func decode(_ batch: [ImageEntry], pipeline: ImagePipeline, threads: Int) -> [Result<[Float], ImageError>] {
        var results = [Result<[Float], ImageError>](repeating: .success([]), count: batch.count)
        results.withUnsafeMutableBufferPointer { out in
            parallelTasks(batch.count, threads: threads) { i in
                do {
                    out[i] = .success(try pipeline.pixels(URL(fileURLWithPath: batch[i].source)))
                } catch let error as ImageError {
                    out[i] = .failure(error)
                } catch {
                    out[i] = .failure(.unreadable(path: batch[i].source, reason: "\(error)"))
                }
            }
        }
        return results
    }

    /// Images per shard for about 64 MiB of encoded tensors per shard (at least 1, at most 256),
    /// rounded down to whole batches when a shard holds at least one.
    ///
    /// Whole batches keep every full shard's write (and its fsync) on the writer's thread beside the
    /// next forward. A shard that fills with the first image of a later batch is written during that
    /// batch's append, and when that batch is the last nothing hides it: DINOv2-S's 25-image shards
    /// with batches of 8 put a 65 MB write and fsync after the last forward, 0.3 s of a 5 s run with
    /// both cores idle.
    static func shardSize(info: ModelInfo, layers: Int, config: ExtractionConfig, batch: Int) -> Int {
        let t = info.tokens, d = info.hiddenSize
        var bytes = layers * t * d * config.hiddenDType.byteSize + (info.layers + 1) * t * 4
        if config.receivedAttention { bytes += info.layers * t * 4 }
        if config.keepAttention { bytes += info.layers * info.heads * t * t * 4 }
        if config.captureValues { bytes += 2 * info.layers * t * 4 }
        let images = max(1, min(256, (64 << 20) / max(bytes, 1)))
        return images >= batch && batch >= 1 ? images / batch * batch : images
    }
}
