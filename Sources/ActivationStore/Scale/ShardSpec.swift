/// One part of a sharded extraction: shard `index` of `count` (`--shard I/N`, 0 ≤ I < N).
///
/// The split is deterministic and contiguous: of a list of M images (in the image source's
/// order: a directory's files sorted by name, a list file's lines in order), shard I gets the
/// positions `I*M/N ..< (I+1)*M/N` (integer division), so the shards differ in size by at most
/// one image and concatenating shards 0, 1, ..., N-1 gives back the list in order.
///
///     let spec = try ShardSpec(index: 1, count: 3)
///     spec.positions(of: 10)   // 3..<6
public struct ShardSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// - Throws: `StoreError.invalidShard` unless `count >= 1` and `0 <= index < count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw StoreError.invalidShard(text: "\(index)/\(count)", problem: "the shard count must be at least 1") }
        guard (0..<count).contains(index) else {
            throw StoreError.invalidShard(text: "\(index)/\(count)", problem: "the shard index must be between 0 and \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, e.g. `2/8`.
    /// - Throws: `StoreError.invalidShard` for anything else.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw StoreError.invalidShard(text: text, problem: "write it as I/N, e.g. 0/4 for the first of four shards")
        }
        try self.init(index: i, count: n)
    }

    /// The list positions this shard takes from a list of `total` images.
    /// - Complexity: O(1).
    public func positions(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    public var description: String { "\(index)/\(count)" }
}

/// What a store made by `extract --shard I/N` records about its part of the list, so that
/// `merge` can check that the shards belong together and that none is missing or incomplete.
/// Written as the manifest's `shard` section (absent from other stores).
public struct ShardOrigin: Codable, Sendable, Equatable {
    /// I of `--shard I/N`.
    public var index: Int
    /// N of `--shard I/N`.
    public var count: Int
    /// M, the number of images in the whole list.
    public var listImages: Int
    /// `ShardOrigin.hash(ids:)` of the whole list's image ids, in order.
    public var listHash: String
    /// The list positions this shard takes: `first_position ..< first_position + positions`.
    public var firstPosition: Int
    public var positions: Int
    /// Ids of this shard's images that were not decodable (`--skip-bad`), so the store holds
    /// `positions - skipped.count` images when the shard is complete.
    public var skipped: [String]

    public init(spec: ShardSpec, listIDs: [String], skipped: [String] = []) {
        let range = spec.positions(of: listIDs.count)
        index = spec.index
        count = spec.count
        listImages = listIDs.count
        listHash = Self.hash(ids: listIDs)
        firstPosition = range.lowerBound
        positions = range.count
        self.skipped = skipped
    }

    /// The list positions of this shard.
    public var positionRange: Range<Int> { firstPosition..<(firstPosition + positions) }

    /// 64-bit FNV-1a over the ids, each followed by a newline, as 16 hex digits. It identifies
    /// the list (same ids, same order) across machines whose paths differ; it is not a
    /// cryptographic hash.
    public static func hash(ids: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for id in ids {
            for byte in id.utf8 + [0x0A] {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    enum CodingKeys: String, CodingKey {
        case index, count, positions, skipped
        case listImages = "list_images", listHash = "list_hash", firstPosition = "first_position"
    }
}
