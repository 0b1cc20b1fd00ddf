import Foundation

/// Replacing a whole store (`sinkscope import --overwrite`) without a window in which a broken
/// store is visible: the new store is written in a hidden sibling directory, and only when it
/// is committed are the directories swapped by two renames. Killed before the swap, the old
/// store is untouched; killed between the renames, nothing is at the path (the old store
/// survives as `.NAME.old-UUID`); never a mix of the two.
enum StoreReplacement {
    /// A hidden sibling directory to build the replacement in.
    static func staging(for target: URL) -> URL {
        target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
    }

    /// Moves `staging` to `target`, then deletes the old store.
    static func replace(_ target: URL, with staging: URL) throws {
        let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
        let fm = FileManager.default
        do {
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: staging, to: target)
        } catch {
            throw StoreError.writeFailed(path: target.path, reason: "cannot swap in the new store: \(error.localizedDescription)")
        }
        try? fm.removeItem(at: old)
    }
}
