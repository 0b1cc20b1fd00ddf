import Foundation

/// Everything `sinkscope merge` needs, as a value (built by the command, run by `StoreMerger`).
public struct MergeConfig: Sendable {
    /// The stores to merge: the shard stores of one `extract --shard I/N` run (any order; they
    /// are put in shard order), or plain stores of one model (concatenated in the order given).
    public var inputs: [URL]
    /// The merged store; nothing may exist at this path yet.
    public var output: URL
    /// Merge even when shards are missing or incomplete; the summary and the manifest's notes
    /// say which list positions are missing.
    public var allowPartial: Bool
    /// Draw a progress bar on stderr.
    public var progress: Bool

    public init(inputs: [URL], output: URL, allowPartial: Bool = false, progress: Bool = true) {
        self.inputs = inputs
        self.output = output
        self.allowPartial = allowPartial
        self.progress = progress
    }
}

/// What a merge did; printed by the command (as text or `--json`).
public struct MergeSummary: Codable, Sendable, Equatable {
    /// List positions of a sharded run that the merged store does not hold.
    public struct Missing: Codable, Sendable, Equatable {
        /// I of the shard the positions belong to.
        public var shard: Int
        /// `first_position ..< first_position + count` in the image list (0-based).
        public var firstPosition: Int
        public var count: Int
        /// "missing shard" or "incomplete shard (k of m images)".
        public var reason: String

        public init(shard: Int, firstPosition: Int, count: Int, reason: String) {
            self.shard = shard
            self.firstPosition = firstPosition
            self.count = count
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case shard, count, reason
            case firstPosition = "first_position"
        }
    }

    public var store: String
    public var inputs: Int
    public var images: Int
    /// Shard files in the merged store.
    public var shardFiles: Int
    /// Shard files hard-linked from the inputs (no tensor data copied).
    public var linked: Int
    /// Shard files copied (hard links were impossible, e.g. across file systems).
    public var copied: Int
    /// M of a sharded run (nil when plain stores were concatenated).
    public var listImages: Int?
    /// Parts of the list that are missing (only with `allowPartial`).
    public var missing: [Missing]
    /// Mask methods of the inputs that were not carried over (run `detect` on the merged store).
    public var droppedMasks: [String]
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case store, inputs, images, linked, copied, missing, seconds
        case shardFiles = "shard_files", listImages = "list_images", droppedMasks = "dropped_masks"
    }

    /// A few lines for a terminal.
    public var text: String {
        var lines = ["store: \(store)"]
        let of = listImages.map { " of a list of \($0)" } ?? ""
        lines.append("merged \(inputs) stores: \(images) images\(of) in \(shardFiles) shard files")
        if copied == 0 {
            lines.append("hard-linked all \(linked) shard files (no tensor data copied)")
        } else {
            lines.append("hard-linked \(linked) shard files, copied \(copied) (hard links were not possible, e.g. another file system)")
        }
        for m in missing {
            lines.append("missing: list positions \(m.firstPosition)..<\(m.firstPosition + m.count) of shard \(m.shard) (\(m.reason))")
        }
        if !droppedMasks.isEmpty {
            lines.append("sink masks not carried over: \(droppedMasks.joined(separator: ", ")) (run detect on the merged store)")
        }
        return lines.joined(separator: "\n")
    }
}
