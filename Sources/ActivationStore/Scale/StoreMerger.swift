import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// Makes one store of several: the shard stores of a sharded extraction (`extract --shard I/N`,
/// e.g. the tasks of a Slurm job array), or plain stores of the same model.
///
///     let summary = try StoreMerger.merge(MergeConfig(inputs: shardStores, output: merged))
///
/// The merged store lists the inputs' shard files in order (shard 0's files first) and holds
/// each image's tensors byte for byte as its input did: files are hard-linked where the file
/// system allows and copied otherwise (the summary says which). It is built in a hidden sibling
/// directory (`.NAME.partial-UUID`) and renamed into place once its manifest is written, so an
/// interrupted merge leaves nothing at `output`. The inputs are not changed.
///
/// Refused, with one sentence: inputs of different models, captured layers, dtypes, attention
/// tensors or preprocessing; duplicate image ids; LVLM stores; and, for shard stores, shards of
/// different runs, a repeated shard, and a missing or incomplete shard unless `allowPartial`.
/// Sink masks are not carried over (the summary lists them): run `detect` on the merged store.
public enum StoreMerger {
    /// - Throws: `StoreError.mergeRefused`, the inputs' read errors, `.writeFailed`.
    public static func merge(_ config: MergeConfig) throws -> MergeSummary {
        let start = Date()
        let fm = FileManager.default
        guard !config.inputs.isEmpty else { throw StoreError.mergeRefused(problem: "no input stores were given") }
        let paths = config.inputs.map { $0.standardizedFileURL.path }
        if let repeated = paths.first(where: { p in paths.filter { $0 == p }.count > 1 }) {
            throw StoreError.mergeRefused(problem: "\(repeated) is given twice")
        }
        guard !fm.fileExists(atPath: config.output.path) else {
            throw StoreError.mergeRefused(problem: "\(config.output.path) already exists; choose another --out or remove it")
        }
        let readers = try config.inputs.map { try StoreReader(url: $0) }
        for r in readers where r.manifest.lvlm != nil {
            throw StoreError.mergeRefused(problem: "\(r.url.path) is an LVLM store; merging their language-model files is not supported")
        }
        try checkCompatible(readers)
        let plan = try order(readers, allowPartial: config.allowPartial)
        try checkUniqueIDs(plan.readers)

        let staging = config.output.deletingLastPathComponent()
            .appendingPathComponent(".\(config.output.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: staging.path, reason: error.localizedDescription)
        }
        do {
            let first = plan.readers[0].manifest
            var merged = Manifest(model: first.model, capturedLayers: first.capturedLayers, hiddenDType: first.hiddenDType,
                                  preprocessing: first.preprocessing)
            merged.hasReceived = first.hasReceived
            merged.receivedLayers = first.receivedLayers
            merged.hasAttention = first.hasAttention
            merged.attentionLayers = first.attentionLayers
            merged.merged = first.merged
            var linked = 0, copied = 0
            let total = plan.readers.reduce(0) { $0 + $1.manifest.shards.count }
            let bar = ProgressBar(total: total, unit: "files", label: "merge", enabled: config.progress)
            for reader in plan.readers {
                let m = reader.manifest
                for shard in m.shards {
                    let file = StoreKeys.shardFile(merged.shards.count)
                    if try place(reader.url.appendingPathComponent(shard.file), at: staging.appendingPathComponent(file)) {
                        linked += 1
                    } else {
                        copied += 1
                    }
                    merged.shards.append(ShardEntry(file: file, firstImage: merged.images.count + shard.firstImage, count: shard.count))
                    bar.advance()
                }
                merged.images += m.images
                for note in m.notes where !merged.notes.contains(note) { merged.notes.append(note) }
            }
            bar.finish()
            if let list = plan.listImages {
                merged.notes.append("merged from \(plan.readers.count) shard stores of a list of \(list) images (list hash \(plan.listHash ?? "?"))")
            }
            for gap in plan.missing {
                merged.notes.append("missing list positions \(gap.firstPosition)..<\(gap.firstPosition + gap.count) of shard \(gap.shard) (\(gap.reason))")
            }
            try merged.write(store: staging)
            _ = try Manifest.read(store: staging)
            do {
                try fm.moveItem(at: staging, to: config.output)
            } catch {
                throw StoreError.writeFailed(path: config.output.path, reason: "cannot move the merged store into place: \(error.localizedDescription)")
            }
            let dropped = Array(Set(readers.flatMap { $0.manifest.masks.keys })).sorted()
            return MergeSummary(
                store: config.output.path, inputs: readers.count, images: merged.images.count, shardFiles: merged.shards.count,
                linked: linked, copied: copied, listImages: plan.listImages, missing: plan.missing, droppedMasks: dropped,
                seconds: Date().timeIntervalSince(start))
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Hard-links `source` to `target`, or copies it when a link is impossible; true when linked.
    static func place(_ source: URL, at target: URL) throws -> Bool {
        if link(source.path, target.path) == 0 { return true }
        do {
            try FileManager.default.copyItem(at: source, to: target)
        } catch {
            throw StoreError.writeFailed(path: target.path, reason: "cannot link or copy \(source.path): \(error.localizedDescription)")
        }
        return false
    }
}
