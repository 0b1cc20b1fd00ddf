import Foundation
import TensorFiles

/// Writes a store image by image, one shard at a time, and commits it atomically.
///
///     let writer = try StoreWriter(url: out, model: model, layers: Array(0...12))
///     for image in images { try writer.append(activations(image)) }
///     try writer.commit()
///
/// Memory holds at most one shard's images. Each shard is written under a temporary name and
/// renamed; `manifest.json` is written last, also through a rename. So an interrupted write
/// (an error, a crash, SIGKILL) leaves either no manifest (a new store: readers report "not a
/// store") or the previous manifest, which lists only shards that were complete before.
/// `commit()` may be called repeatedly (e.g. to checkpoint a long extraction); a writer opened
/// with `resume: true` appends to a committed store.
///
/// Not thread-safe: one producer appends.
public final class StoreWriter {
    public let url: URL
    public let imagesPerShard: Int
    public let keepAttention: Bool
    private var manifest: Manifest
    private var buffer: ShardBuffer
    private var ids: Set<String>
    /// Shard files written since the last commit (removed by `abort()`).
    private var uncommittedFiles: [String] = []
    private var committedShardCount: Int

    /// Opens a new store at `url` or, with `resume`, the committed store there.
    /// - Parameters:
    ///   - layers: captured layers l ∈ 0...model.layers, each appended image must have all of them.
    ///   - hiddenDType: `.f16` (half the size; values must stay within ±65504) or `.f32`.
    ///   - imagesPerShard: images per shard file; bounds the writer's memory.
    ///   - keepAttention: store whole attention maps `attn.{l}` when images carry them.
    ///   - preprocessing: recorded as given in the manifest.
    ///   - resume: append to an existing store (model, layers and dtype must match).
    /// - Throws: `StoreError.storeExists` when a store exists and `resume` is false,
    ///   `.incompatibleResume`, `.invalidModel`.
    public init(url: URL, model: ModelInfo, layers: [Int], hiddenDType: DType = .f16, imagesPerShard: Int = 64,
                keepAttention: Bool = false, preprocessing: [String: String]? = nil, resume: Bool = false) throws {
        if let problem = model.problem { throw StoreError.invalidModel(problem: problem) }
        let sorted = Array(Set(layers)).sorted()
        guard !sorted.isEmpty, sorted.allSatisfy({ (0...model.layers).contains($0) }) else {
            throw StoreError.invalidModel(problem: "captured layers \(layers) must be a non-empty subset of 0...\(model.layers)")
        }
        guard hiddenDType == .f16 || hiddenDType == .f32 else {
            throw StoreError.invalidModel(problem: "hidden states are stored as F16 or F32, not \(hiddenDType.rawValue)")
        }
        guard imagesPerShard >= 1 else { throw StoreError.invalidModel(problem: "imagesPerShard \(imagesPerShard) must be at least 1") }
        self.url = url
        self.imagesPerShard = imagesPerShard
        self.keepAttention = keepAttention
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(StoreKeys.manifest).path) {
            guard resume else { throw StoreError.storeExists(path: url.path) }
            let existing = try Manifest.read(store: url)
            try Self.checkCompatible(existing, model: model, layers: sorted, hiddenDType: hiddenDType, keepAttention: keepAttention, path: url.path)
            manifest = existing
        } else {
            manifest = Manifest(model: model, capturedLayers: sorted, hiddenDType: hiddenDType, preprocessing: preprocessing)
        }
        buffer = ShardBuffer(model: model, layers: sorted, hiddenDType: hiddenDType, capacity: imagesPerShard)
        ids = Set(manifest.images.map(\.id))
        committedShardCount = manifest.shards.count
    }

    deinit {
        if !uncommittedFiles.isEmpty { abort() }
    }

    /// Ids already in the store (committed or appended), e.g. to skip them when resuming.
    public var storedImageIDs: Set<String> { ids }

    /// The model the store describes.
    public var modelInfo: ModelInfo { manifest.model }
    /// Captured layers, ascending.
    public var capturedLayers: [Int] { manifest.capturedLayers }
    /// F16 or F32.
    public var hiddenDType: DType { manifest.hiddenDType }
    /// Layers with received attention (fixed by the first image).
    public var receivedLayers: [Int] { manifest.receivedLayers }
    /// Extra tokens per image (test-time registers; fixed by the first image), 0 without.
    public var extraTokens: Int { manifest.extraTokens ?? 0 }
    /// Layers with `value_norm` / `value_out` (fixed by the first image).
    public var valueLayers: [Int] { manifest.valueLayers ?? [] }
    /// Layers with whole attention maps (fixed by the first image).
    public var attentionLayers: [Int] { manifest.attentionLayers }

    /// Images appended so far, including those of a resumed store.
    public var imageCount: Int { manifest.images.count + buffer.count }

    /// The part of an image list this store holds (`extract --shard I/N`), written with the next
    /// commit; read back from the manifest when resuming, so a caller can check it matches.
    public var shardOrigin: ShardOrigin? {
        get { manifest.shard }
        set { manifest.shard = newValue }
    }

    /// The shape of `ImageActivations.merged` (a tower's patch merger output), to set before appending
    /// images that carry it; the first image decides whether the store has `merged`. A resumed store
    /// reads it from its manifest.
    public var mergedShape: MergedTokens? {
        get { manifest.merged ?? pendingMergedShape }
        set { pendingMergedShape = newValue }
    }
    private var pendingMergedShape: MergedTokens?
    /// The store has `merged` (fixed by the first image).
    var storesMerged: Bool { manifest.merged != nil }

    /// Workers that check and encode one image's layers at once in `append` (default 1). The
    /// extractor raises it for the last batch, whose write no forward overlaps; the stored bytes are
    /// the same whatever the count.
    public var encodingThreads = 1

    /// Adds a remark to the manifest (e.g. how an import mapped attention to layers).
    public func addNote(_ note: String) {
        if !manifest.notes.contains(note) { manifest.notes.append(note) }
    }

    /// Adds one image; writes a shard when `imagesPerShard` images are buffered.
    /// - Throws: `StoreError.invalidActivations` (missing layer, wrong size, f16 overflow, ...),
    ///   `.duplicateImage`, or a write error.
    public func append(_ a: ImageActivations) throws {
        try validate(a)
        if manifest.images.isEmpty && buffer.count == 0 {
            // The first image fixes which optional tensors every image of the store has.
            manifest.receivedLayers = a.received.map { $0.keys.sorted() } ?? []
            manifest.hasReceived = !manifest.receivedLayers.isEmpty
            manifest.attentionLayers = keepAttention ? (a.attention.map { $0.keys.sorted() } ?? []) : []
            manifest.hasAttention = !manifest.attentionLayers.isEmpty
            manifest.merged = a.merged == nil ? nil : mergedShape
            let values = a.valueNorms.map { $0.keys.sorted() } ?? []
            manifest.valueLayers = values.isEmpty ? nil : values
            let extra = (a.extraHidden?.values.first?.count ?? 0) / max(modelInfo.hiddenSize, 1)
            manifest.extraTokens = extra > 0 ? extra : nil
        }
        try checkOptionalLayers(a)
        buffer.add(a, receivedLayers: manifest.receivedLayers, attentionLayers: manifest.attentionLayers, merged: manifest.merged,
                   valueLayers: manifest.valueLayers ?? [], extraTokens: manifest.extraTokens ?? 0, threads: encodingThreads)
        ids.insert(a.image.id)
        pendingImages.append(a.image)
        if buffer.count >= imagesPerShard { try flush() }
    }

    /// Images in the buffer or in shards written since the last commit.
    private var pendingImages: [ImageEntry] = []
    private var pendingShards: [ShardEntry] = []

    /// Writes the last partial shard and then `manifest.json`, atomically.
    public func commit() throws {
        try flush()
        var next = manifest
        next.images += pendingImages
        next.shards += pendingShards
        try next.write(store: url)
        manifest = next
        pendingImages = []
        pendingShards = []
        uncommittedFiles = []
        committedShardCount = manifest.shards.count
    }

    /// Removes the shard files written since the last commit; the store stays as last committed.
    public func abort() {
        for file in uncommittedFiles { try? FileManager.default.removeItem(at: url.appendingPathComponent(file)) }
        uncommittedFiles = []
        pendingShards = []
        pendingImages = []
        buffer = ShardBuffer(model: buffer.model, layers: buffer.layers, hiddenDType: buffer.hiddenDType, capacity: imagesPerShard)
        ids = Set(manifest.images.map(\.id))
    }

    // MARK: - Shards

    private func flush() throws {
        guard buffer.count > 0 else { return }
        let index = committedShardCount + pendingShards.count
        let file = StoreKeys.shardFile(index)
        let first = manifest.images.count + pendingShards.reduce(0) { $0 + $1.count }
        let metadata = ["format": Manifest.formatName, "first_image": String(first), "images": String(buffer.count)]
        uncommittedFiles.append(file)
        try SafetensorsWriter.write(try buffer.tensors(), metadata: metadata, to: url.appendingPathComponent(file))
        pendingShards.append(ShardEntry(file: file, firstImage: first, count: buffer.count))
        buffer.removeAll()
    }
}
